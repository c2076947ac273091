<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="139"/>
        <source>Edit mail account</source>
        <translation>编辑邮件账户</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="139"/>
        <source>Add mail account</source>
        <translation>添加邮件账户</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="149"/>
        <source>Work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="151"/>
        <source>imap.example.com</source>
        <translation>imap.example.com</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="154"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="156"/>
        <source>TLS (recommended)</source>
        <translation>TLS（推荐）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="157"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="158"/>
        <source>None — unencrypted</source>
        <translation>无 — 不加密</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="160"/>
        <source>Without encryption your password and mail cross the network in clear text.</source>
        <translation>不加密时，您的密码和邮件会以明文在网络上传输。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="168"/>
        <source>Unchanged (stored in the system keyring)</source>
        <translation>未更改（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="170"/>
        <source>Stored in the system keyring</source>
        <translation>保存在系统密钥环中</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="173"/>
        <source>Optional, e.g. pass show mail/work</source>
        <translation>可选，例如 pass show mail/work</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="175"/>
        <source>Choose a CA certificate</source>
        <translation>选择 CA 证书</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="175"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="178"/>
        <source>Folders to watch, separated by commas</source>
        <translation>要监视的文件夹，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="190"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="196"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="265"/>
        <source>another account already has this name</source>
        <translation>已有另一个账户使用此名称</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="271"/>
        <source>Default ({0})</source>
        <translation>默认（{0}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="283"/>
        <source>Connection testing is not available.</source>
        <translation>无法测试连接。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="304"/>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <location filename="../../desktop/ui/window.py" line="74"/>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="75"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="87"/>
        <source>Mail “{0}”</source>
        <translation>邮件“{0}”</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="89"/>
        <source>Chat and approvals</source>
        <translation>聊天与审批</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="91"/>
        <source>Inbox database</source>
        <translation>收件箱数据库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="113"/>
        <source>offline, retrying</source>
        <translation>离线，正在重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="114"/>
        <source>sign-in failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="115"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>Detail</name>
    <message>
        <location filename="../../desktop/ui/detail/__init__.py" line="32"/>
        <location filename="../../desktop/ui/detail/__init__.py" line="65"/>
        <source>Select an item to read it.</source>
        <translation>选择一项即可阅读。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/__init__.py" line="100"/>
        <source>This item is gone: it was deleted or moved at its source.</source>
        <translation>此项已不存在：它已在来源处被删除或移动。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="82"/>
        <source>Approved by {0}</source>
        <translation>已由 {0} 批准</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="84"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="88"/>
        <source>Rejected by {0}</source>
        <translation>已由 {0} 拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="90"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="93"/>
        <source>Withdrawn by the requester</source>
        <translation>申请人已撤回</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="95"/>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="98"/>
        <source>Already decided elsewhere: {0}</source>
        <translation>已在其他地方处理：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="106"/>
        <source>The decision was not accepted: {0}</source>
        <translation>审批意见未被接受：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="111"/>
        <source>approval</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="113"/>
        <source>rejection</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="115"/>
        <source>Sent — waiting for confirmation of your {0}…</source>
        <translation>已发送 — 正在等待确认您的{0}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="158"/>
        <source>Comment (optional)</source>
        <extracomment>asks &quot;really reject?&quot; and calls ``proceed`` on yes; replaced in tests</extracomment>
        <translation>意见（可选）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="162"/>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="163"/>
        <location filename="../../desktop/ui/detail/approval.py" line="258"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="188"/>
        <source>Requested by {0} · {1}</source>
        <translation>申请人 {0} · {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="190"/>
        <location filename="../../desktop/ui/detail/notice.py" line="32"/>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="197"/>
        <source>Deadline: {0}</source>
        <translation>截止时间：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="199"/>
        <location filename="../../desktop/ui/detail/notice.py" line="69"/>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="208"/>
        <source>Open in OA</source>
        <translation>在 OA 中打开</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="242"/>
        <source>Reject “{0}”?</source>
        <translation>拒绝“{0}”？</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="246"/>
        <source>Comment: {0}</source>
        <translation>意见：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="248"/>
        <source>No comment will be sent.</source>
        <translation>不会附带意见。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/approval.py" line="252"/>
        <source>Reject request</source>
        <translation>拒绝申请</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="83"/>
        <source>Write a reply… (Ctrl+Enter to send)</source>
        <translation>输入回复…（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="87"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="106"/>
        <source>Direct message</source>
        <translation>私聊</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="108"/>
        <source>Group conversation</source>
        <translation>群聊</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="146"/>
        <location filename="../../desktop/ui/detail/chat.py" line="156"/>
        <source>You</source>
        <translation>我</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="165"/>
        <source>No messages yet.</source>
        <translation>还没有消息。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="187"/>
        <source>not sent: {0}</source>
        <translation>未发送：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="188"/>
        <source>refused by the server</source>
        <translation>被服务器拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/chat.py" line="190"/>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/common.py" line="193"/>
        <source>Mark as read</source>
        <extracomment>Schemes a click may hand to the system; anything else (file:, javascript:, smb:) is ignored. the user asked to open the settings (e.g. from a mail &quot;set up webmail&quot; hint)</extracomment>
        <translation>标为已读</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/common.py" line="195"/>
        <source>Mark as unread</source>
        <translation>标为未读</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/common.py" line="215"/>
        <source>Something went wrong: {0}</source>
        <translation>出错了：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/app/facade.py" line="187"/>
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <location filename="../../desktop/app/facade.py" line="171"/>
        <source>The account {0} is no longer set up.</source>
        <translation>账户 {0} 已不存在。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="71"/>
        <source>Cc:</source>
        <extracomment>Fetches a message body; runs on a worker thread, raises with a user-readable message.</extracomment>
        <translation>抄送：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="72"/>
        <source>From:</source>
        <translation>发件人：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="73"/>
        <source>To:</source>
        <translation>收件人：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="75"/>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="81"/>
        <source>Remote images in this message were blocked to protect your privacy.</source>
        <translation>为保护您的隐私，已阻止此邮件中的远程图片。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="88"/>
        <source>Open in mail client</source>
        <translation>在邮件客户端中打开</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="96"/>
        <source>Loading the message…</source>
        <translation>正在加载邮件…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="103"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="120"/>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="126"/>
        <source>Attachments: loading…</source>
        <translation>附件：加载中…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="146"/>
        <source>Message bodies cannot be fetched in this session.</source>
        <translation>本次会话无法获取邮件正文。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="171"/>
        <source>Attachments: {0}</source>
        <translation>附件：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="185"/>
        <source>Could not load the message: {0}</source>
        <translation>无法加载邮件：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/mail.py" line="212"/>
        <source>No mail client took this message. Set a webmail address for the account in Settings.</source>
        <translation>没有邮件客户端能打开此邮件。请在设置中为该账户填写网页邮箱地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/notice.py" line="34"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/notice.py" line="52"/>
        <source>Task in {0} · {1}</source>
        <translation>{0} 中的任务 · {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/notice.py" line="58"/>
        <source>Announcement from {0} · {1}</source>
        <translation>来自 {0} 的公告 · {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/detail/notice.py" line="68"/>
        <source>Due: {0}</source>
        <translation>截止：{0}</translation>
    </message>
</context>
<context>
    <name>FileField</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="103"/>
        <source>Optional: the system&apos;s certificates are used</source>
        <translation>可选：默认使用系统证书</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="105"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>InboxDelegate</name>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="50"/>
        <source>Pending</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="51"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="52"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="53"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="62"/>
        <source>You</source>
        <translation>我</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="65"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="67"/>
        <source>Announcement</source>
        <translation>公告</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/delegate.py" line="218"/>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
</context>
<context>
    <name>InboxWindow</name>
    <message>
        <location filename="../../desktop/ui/window.py" line="159"/>
        <source>Tidings</source>
        <extracomment>open the settings dialog; the argument is the source to focus (&quot;mail:work&quot;) or &quot;&quot;</extracomment>
        <translation>消息通</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="173"/>
        <source>Search (Ctrl+F)</source>
        <translation>搜索（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="177"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="179"/>
        <source>Unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="188"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="224"/>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="303"/>
        <source>This item is gone: it was deleted or moved at its source.</source>
        <translation>此项已不存在：它已在来源处被删除或移动。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="392"/>
        <source>Nothing matches “{0}”.</source>
        <translation>没有与“{0}”匹配的内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="394"/>
        <source>All caught up: nothing unread.</source>
        <translation>全部处理完毕：没有未读项。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="396"/>
        <source>No accounts yet — add one in Settings.</source>
        <translation>还没有账户 — 请在设置中添加。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="398"/>
        <source>Your inbox is empty. New mail, messages and requests will appear here.</source>
        <translation>收件箱是空的。新邮件、消息和申请会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="407"/>
        <source>{0} unread</source>
        <translation>{0} 条未读</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/window.py" line="407"/>
        <source>No unread items</source>
        <translation>没有未读项</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="39"/>
        <source>{0} mail</source>
        <translation>{0} 封邮件</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="40"/>
        <source>{0} chat</source>
        <translation>{0} 条聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="42"/>
        <source>{0} approval</source>
        <translation>{0} 个审批</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="43"/>
        <source>{0} approvals</source>
        <translation>{0} 个审批</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="46"/>
        <source>{0} task</source>
        <translation>{0} 个任务</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="47"/>
        <source>{0} tasks</source>
        <translation>{0} 个任务</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="50"/>
        <source>{0} announcement</source>
        <translation>{0} 条公告</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="51"/>
        <source>{0} announcements</source>
        <translation>{0} 条公告</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="80"/>
        <source>New item</source>
        <translation>新消息</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="85"/>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="86"/>
        <location filename="../../desktop/notifications/dispatcher.py" line="94"/>
        <source>Mark read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="90"/>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="91"/>
        <source>Reject…</source>
        <translation>拒绝…</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="118"/>
        <source>From {0} and {1} more</source>
        <translation>来自 {0} 等 {1} 人</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="120"/>
        <source>From {0}</source>
        <translation>来自 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/notifications/dispatcher.py" line="123"/>
        <source>{0} new items: {1}</source>
        <translation>{0} 条新消息：{1}</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../desktop/config/options.py" line="48"/>
        <source>{0} must be text in quotes</source>
        <extracomment>the TOML type, as the reference names it</extracomment>
        <translation>{0} 必须是加引号的文本</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="69"/>
        <source>{0} must not be empty</source>
        <translation>{0}不能为空</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="86"/>
        <source>{0} must be 1-64 letters, digits, spaces or . @ + - _</source>
        <translation>{0}必须由 1 到 64 个字母、数字、空格或 . @ + - _ 组成</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="100"/>
        <source>{0} must be one of {1}</source>
        <translation>{0}必须是以下之一：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="117"/>
        <source>{0} must be a whole number, without quotes</source>
        <translation>{0} 必须是整数，不加引号</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="123"/>
        <source>{0} must be between {1} and {2}</source>
        <translation>{0}必须在 {1} 到 {2} 之间</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="140"/>
        <source>{0} must be true or false, without quotes</source>
        <translation>{0} 必须是 true 或 false，不加引号</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="155"/>
        <source>{0} must be a list of texts, like [&quot;a&quot;, &quot;b&quot;]</source>
        <translation>{0} 必须是文本列表，例如 [&quot;a&quot;, &quot;b&quot;]</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="159"/>
        <source>{0} must name at least one folder, and no empty one</source>
        <translation>{0}至少要有一个文件夹，且不能有空的</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="177"/>
        <source>{0} must start with wss:// (or ws:// for a local test gateway)</source>
        <translation>{0}必须以 wss:// 开头（本地测试网关可用 ws://）</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="191"/>
        <source>{0} names a file that does not exist: {1}</source>
        <translation>{0}指向的文件不存在：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="207"/>
        <source>{0} needs {1} where the message goes</source>
        <translation>{0}中需要用 {1} 表示邮件的位置</translation>
    </message>
    <message>
        <location filename="../../desktop/config/options.py" line="243"/>
        <source>{0} must look like 19:00-08:00 (from-to, 24-hour clock)</source>
        <translation>{0}的格式应为 19:00-08:00（起-止，24 小时制）</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="76"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="77"/>
        <source>What Tidings calls the account; it also names its password in the system keyring.</source>
        <translation>Tidings 中的账户名称；系统密钥环中的密码也以它命名。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="87"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="88"/>
        <source>The IMAP server&apos;s name, e.g. imap.example.com.</source>
        <translation>IMAP 服务器的名称，例如 imap.example.com。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="95"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="96"/>
        <source>The name to sign in with, often the mail address.</source>
        <translation>登录用的名称，通常是邮箱地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="103"/>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="104"/>
        <source>tls: encrypted from the first byte; starttls: encryption negotiated on the plain port; plain: no encryption, so the password crosses the network in clear text.</source>
        <translation>tls：从第一个字节起加密；starttls：在普通端口上协商加密；plain：不加密，密码以明文在网络上传输。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="115"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="116"/>
        <source>The server&apos;s port; 0 uses the usual one: 993 for tls, 143 otherwise.</source>
        <translation>服务器端口；0 表示使用常用端口：tls 为 993，其他为 143。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="125"/>
        <location filename="../../desktop/config/settings.py" line="213"/>
        <source>CA file</source>
        <translation>CA 文件</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="126"/>
        <source>A PEM file with your organisation&apos;s certificate authority, for a server whose certificate the system does not trust. Certificates are always verified.</source>
        <translation>包含贵单位证书颁发机构的 PEM 文件，用于系统不信任其证书的服务器。证书始终会被验证。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="137"/>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="138"/>
        <source>The folders watched for new mail.</source>
        <translation>要关注新邮件的文件夹。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="145"/>
        <source>Password command</source>
        <translation>密码命令</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="146"/>
        <source>A command that prints the password, e.g. pass show mail/work; empty: the password stored in the system keyring.</source>
        <translation>输出密码的命令，例如 pass show mail/work；留空则使用系统密钥环中保存的密码。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="157"/>
        <source>Webmail URL</source>
        <translation>网页邮箱地址</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="158"/>
        <source>For “Open in mail client”: a webmail address in which {message_id} is replaced by the message&apos;s id; empty: the system&apos;s mail client.</source>
        <translation>用于“在邮件客户端中打开”：网页邮箱地址，其中的 {message_id} 会被替换为邮件的 ID；留空则使用系统的邮件客户端。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="190"/>
        <source>Gateway URL</source>
        <translation>网关地址</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="191"/>
        <source>The company&apos;s message gateway for chat, approvals, tasks and announcements, e.g. wss://gateway.example.com; empty: Tidings is for mail only.</source>
        <translation>公司的消息网关，用于聊天、审批、任务和公告，例如 wss://gateway.example.com；留空则 Tidings 只用于邮件。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="202"/>
        <source>Token command</source>
        <translation>令牌命令</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="203"/>
        <source>A command that prints the gateway token; empty: the token stored in the system keyring.</source>
        <translation>输出网关令牌的命令；留空则使用系统密钥环中保存的令牌。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="214"/>
        <source>A PEM file with the certificate authority of the gateway&apos;s certificate, if the system does not trust it. Certificates are always verified.</source>
        <translation>包含网关证书颁发机构的 PEM 文件，在系统不信任该证书时使用。证书始终会被验证。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="233"/>
        <source>Show notifications</source>
        <translation>显示通知</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="234"/>
        <source>Show a notification for each new item (a burst becomes one summary).</source>
        <translation>每条新事项显示一条通知（大量同时到达时合并为一条摘要）。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="243"/>
        <source>Quiet hours</source>
        <translation>免打扰时段</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="244"/>
        <source>A daily time without notifications, e.g. 19:00-08:00 (it may span midnight); empty: off.</source>
        <translation>每天不显示通知的时段，例如 19:00-08:00（可以跨越午夜）；留空则关闭。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="254"/>
        <source>VIP senders</source>
        <translation>重要联系人</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="255"/>
        <source>Names or mail addresses whose items are notified even while notifications are paused or in quiet hours.</source>
        <translation>即使通知已暂停或处于免打扰时段，也会提醒其事项的姓名或邮箱地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="266"/>
        <source>Muted sources</source>
        <translation>静音的来源</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="267"/>
        <source>Sources that never notify, e.g. mail:work or gateway; their items still reach the inbox.</source>
        <translation>从不发出通知的来源，例如 mail:work 或 gateway；其事项仍会进入收件箱。</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="277"/>
        <source>Urgent items break through quiet hours</source>
        <translation>紧急事项可在免打扰时段内提醒</translation>
    </message>
    <message>
        <location filename="../../desktop/config/settings.py" line="278"/>
        <source>Urgent items are notified even while notifications are paused or in quiet hours.</source>
        <translation>即使通知已暂停或处于免打扰时段，紧急事项也会提醒。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="65"/>
        <source>{0}.</source>
        <translation>{0}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="77"/>
        <source>{0}:</source>
        <translation>{0}：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="83"/>
        <source>Set by your organisation</source>
        <translation>由贵单位设定</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="330"/>
        <source>Tidings Settings</source>
        <translation>消息通设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="343"/>
        <source>Mail accounts</source>
        <translation>邮件账户</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="344"/>
        <source>Chat and approvals</source>
        <translation>聊天与审批</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="345"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="369"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="370"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="371"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="384"/>
        <source>Passwords are kept in the system keyring, never in the settings file.</source>
        <translation>密码保存在系统密钥环中，绝不会写入设置文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="397"/>
        <source>Unchanged (stored in the system keyring)</source>
        <translation>未更改（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="399"/>
        <source>Optional: a command that prints the token</source>
        <translation>可选：输出令牌的命令</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="401"/>
        <source>Choose a CA certificate</source>
        <translation>选择 CA 证书</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="401"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="407"/>
        <source>Token:</source>
        <translation>令牌：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="410"/>
        <source>Leave the URL empty to use Tidings for mail only.</source>
        <translation>地址留空则只用消息通收邮件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="425"/>
        <source>e.g. 19:00-08:00 (empty: off)</source>
        <translation>例如 19:00-08:00（留空：关闭）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="427"/>
        <source>One name or address per line</source>
        <translation>每行一个姓名或地址</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="439"/>
        <source>Start Tidings in the tray when I log in</source>
        <translation>登录时在托盘中启动消息通</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="547"/>
        <source>Mail account “{0}”: {1}.</source>
        <translation>邮件账户“{0}”：{1}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="593"/>
        <source>Could not save the password: {0}</source>
        <translation>无法保存密码：{0}</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../desktop/ui/tray.py" line="132"/>
        <source>Open inbox</source>
        <extracomment>the user asked for the inbox window (menu &quot;Open inbox&quot;) left click: show the window if hidden, hide it if shown the pause state changed from the menu (paused_until or None)</extracomment>
        <translation>打开收件箱</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="134"/>
        <source>Pause notifications</source>
        <translation>暂停通知</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="140"/>
        <source>For 1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="142"/>
        <source>Until tomorrow</source>
        <translation>直到明天</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="145"/>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="149"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="152"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="192"/>
        <source>Notifications are on</source>
        <translation>通知已开启</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="200"/>
        <source>Paused until %s</source>
        <translation>暂停至 %s</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/ui/tray.py" line="224"/>
        <source>Tidings — %n unread</source>
        <translation>
            <numerusform>消息通 — %n 条未读</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tray.py" line="239"/>
        <source>Notifications paused until %s</source>
        <translation>通知已暂停至 %s</translation>
    </message>
</context>
</TS>
