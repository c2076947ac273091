<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="157"/>
        <source>Edit mail account</source>
        <translation>编辑邮件账户</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="157"/>
        <source>Add mail account</source>
        <translation>添加邮件账户</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="166"/>
        <source>Work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="168"/>
        <source>imap.example.com</source>
        <translation>imap.example.com</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="171"/>
        <location filename="../../ui/settings_dialog.py" line="243"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="173"/>
        <source>TLS (recommended)</source>
        <translation>TLS（推荐）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="174"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="175"/>
        <source>None — unencrypted</source>
        <translation>无 — 不加密</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="177"/>
        <source>Without encryption your password and mail cross the network in clear text.</source>
        <translation>不加密时，您的密码和邮件会以明文在网络上传输。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="206"/>
        <source>No system keyring: use a password command</source>
        <translation>没有系统密钥环：请使用密码命令</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="208"/>
        <source>Unchanged (stored in the system keyring)</source>
        <translation>未更改（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="210"/>
        <source>Will be stored in the system keyring</source>
        <translation>将保存在系统密钥环中</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="186"/>
        <location filename="../../ui/settings_dialog.py" line="211"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="214"/>
        <source>No system keyring (Secret Service) to keep a password in: enter a password command below, or start a keyring such as GNOME Keyring or KWallet.</source>
        <translation>没有可保存密码的系统密钥环（Secret Service）：请在下方填写密码命令，或启动 GNOME Keyring、KWallet 等密钥环。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="224"/>
        <source>Optional, e.g. pass show mail/work</source>
        <translation>可选，例如 pass show mail/work</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="226"/>
        <source>Choose a CA certificate</source>
        <translation>选择 CA 证书</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="226"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="229"/>
        <source>Folders to watch, separated by commas</source>
        <translation>要监视的文件夹，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="234"/>
        <source>e.g. Li Lei</source>
        <translation>例如 李雷</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="236"/>
        <source>Default: the user name, if it is an address</source>
        <translation>默认：用户名（如果它是邮件地址）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="239"/>
        <source>STARTTLS, port 587 (recommended)</source>
        <translation>STARTTLS，端口 587（推荐）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="240"/>
        <source>TLS, port 465</source>
        <translation>TLS，端口 465</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="252"/>
        <source>The server&apos;s own, else {0}</source>
        <translation>服务器标记的文件夹，否则为 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="271"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="291"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="401"/>
        <source>Default: {0}</source>
        <translation>默认：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="401"/>
        <source>smtp.example.com</source>
        <translation>smtp.example.com</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="415"/>
        <source>another account already has this name</source>
        <translation>已有另一个账户使用此名称</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="423"/>
        <source>Default ({0})</source>
        <translation>默认（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="479"/>
        <source>Connection testing is not available.</source>
        <translation>无法测试连接。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="488"/>
        <source>Enter the password first.</source>
        <translation>请先输入密码。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="502"/>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="187"/>
        <source>Browser (OAuth2)</source>
        <translation>浏览器（OAuth2）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="193"/>
        <source>Sign-in provider</source>
        <translation>登录服务</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="194"/>
        <source>Sign in…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="195"/>
        <source>Sign in in the browser</source>
        <translation>在浏览器中登录</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="417"/>
        <source>choose the provider to sign in with in the browser</source>
        <translation>请选择在浏览器中登录所用的登录服务</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="458"/>
        <source>Waiting for the sign-in in your browser…</source>
        <translation>正在等待您在浏览器中登录…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="470"/>
        <source>Signed in.</source>
        <translation>已登录。</translation>
    </message>
</context>
<context>
    <name>AddAccountDialog</name>
    <message>
        <location filename="../../ui/add_account.py" line="64"/>
        <source>Add mail account</source>
        <translation>添加邮件账户</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="83"/>
        <source>Configure manually</source>
        <translation>手动配置</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="85"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="87"/>
        <location filename="../../ui/add_account.py" line="161"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="90"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="115"/>
        <source>Enter your name for the account and your mail address; Tidings looks up the rest.</source>
        <translation>输入账户名称和邮件地址，其余设置由消息通查找。</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="120"/>
        <source>e.g. Work</source>
        <translation>例如：工作</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="122"/>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="123"/>
        <source>Account name</source>
        <translation>账户名称</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="124"/>
        <source>Mail address</source>
        <translation>邮件地址</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="147"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="162"/>
        <source>Use these settings</source>
        <translation>使用这些设置</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="163"/>
        <source>Add account</source>
        <translation>添加账户</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="185"/>
        <source>The account name must be 1-64 letters, digits, spaces or . @ + - _</source>
        <translation>账户名称须为 1-64 个字母、数字、空格或 . @ + - _</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="187"/>
        <source>Another account already has this name.</source>
        <translation>已有账户使用此名称。</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="223"/>
        <source>Looking up the settings for {0}…</source>
        <translation>正在查找 {0} 的设置…</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="248"/>
        <source>Found from {0}:</source>
        <translation>查找来源：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="249"/>
        <source>Incoming (IMAP): {0}, port {1}, {2}</source>
        <translation>收件（IMAP）：{0}，端口 {1}，{2}</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="255"/>
        <source>Outgoing (SMTP): {0}, port {1}, {2}</source>
        <translation>发件（SMTP）：{0}，端口 {1}，{2}</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="259"/>
        <source>User name: {0}</source>
        <translation>用户名：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="262"/>
        <source>Sign-in: in the browser, with {0}</source>
        <translation>登录方式：在浏览器中通过 {0} 登录</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="265"/>
        <source>Sign-in: password</source>
        <translation>登录方式：密码</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="266"/>
        <source>Nothing has been sent to these servers yet. Continue only if they look right.</source>
        <translation>尚未向这些服务器发送任何内容。请确认无误后再继续。</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="293"/>
        <source>Sign in with {0} in your browser. Tidings keeps the sign-in, not your password.</source>
        <translation>请在浏览器中通过 {0} 登录。消息通只保存登录状态，不保存您的密码。</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="296"/>
        <source>Sign in with {0}</source>
        <translation>通过 {0} 登录</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="299"/>
        <source>The password for {0}; it is kept in the system keyring.</source>
        <translation>{0} 的密码；它保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="315"/>
        <source>Waiting for the sign-in in your browser…</source>
        <translation>正在等待您在浏览器中登录…</translation>
    </message>
    <message>
        <location filename="../../ui/add_account.py" line="327"/>
        <source>Signed in. Add the account to start receiving mail.</source>
        <translation>已登录。添加账户即可开始接收邮件。</translation>
    </message>
</context>
<context>
    <name>BurstBar</name>
    <message>
        <location filename="../../ui/window.py" line="218"/>
        <source>Items of a notification</source>
        <translation>通知中的条目</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="219"/>
        <source>Show all unread</source>
        <translation>显示全部未读</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="220"/>
        <source>Show all unread items</source>
        <translation>显示全部未读条目</translation>
    </message>
</context>
<context>
    <name>Compose</name>
    <message>
        <location filename="../../app/composing.py" line="99"/>
        <source>The account {0} has no mail address to send from: set it in Settings (Mail address).</source>
        <translation>账户 {0} 没有可用于发信的邮件地址：请在设置中填写“邮件地址”。</translation>
    </message>
    <message>
        <location filename="../../app/composing.py" line="123"/>
        <location filename="../../app/composing.py" line="186"/>
        <source>The account {0} is no longer set up.</source>
        <translation>账户 {0} 已不再配置。</translation>
    </message>
    <message>
        <location filename="../../app/composing.py" line="129"/>
        <source>This mail no longer exists.</source>
        <translation>这封邮件已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/composing.py" line="131"/>
        <source>Only received mail can be answered or forwarded.</source>
        <translation>只能回复或转发收到的邮件。</translation>
    </message>
    <message>
        <location filename="../../app/composing.py" line="214"/>
        <source>To {0}</source>
        <translation>发给 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="46"/>
        <source>Reply</source>
        <extracomment>Open compose windows by draft key: opening the same reply again raises its window.</extracomment>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="47"/>
        <source>Reply all</source>
        <translation>回复全部</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="48"/>
        <source>Forward</source>
        <translation>转发</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="55"/>
        <source>Reply: {0}</source>
        <translation>回复：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="56"/>
        <source>Reply all: {0}</source>
        <translation>全部回复：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="57"/>
        <source>Forward: {0}</source>
        <translation>转发：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="64"/>
        <source>On {date}, {sender} wrote:</source>
        <translation>{sender} 于 {date} 写道：</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="65"/>
        <source>{sender} wrote:</source>
        <translation>{sender} 写道：</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="66"/>
        <source>---------- Forwarded message ----------</source>
        <translation>---------- 转发的邮件 ----------</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="377"/>
        <source>{0}: {1} is not a list of email addresses.</source>
        <translation>{0}：{1} 不是有效的电子邮件地址列表。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="401"/>
        <source>Add at least one recipient.</source>
        <translation>请至少添加一位收件人。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="404"/>
        <source>{0} recipients are too many: at most {1} per message.</source>
        <translation>收件人太多（{0} 位）：每封邮件最多 {1} 位。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="410"/>
        <source>The draft&apos;s Message-ID is damaged; start a new message.</source>
        <translation>草稿的 Message-ID 已损坏，请新建一封邮件。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="415"/>
        <source>The subject is {0} characters long: at most {1}.</source>
        <translation>主题长 {0} 个字符，最多允许 {1} 个。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="422"/>
        <source>The message text is {0} million characters long: at most {1} million. Send a long text as an attachment instead.</source>
        <translation>正文长 {0} 百万个字符，最多允许 {1} 百万个。较长的文本请作为附件发送。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="450"/>
        <source>The message cannot be encoded: {0}</source>
        <translation>无法编码此邮件：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="467"/>
        <source>{0}: {1} is not a usable email address.</source>
        <translation>{0}：{1} 不是可用的电子邮件地址。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="468"/>
        <source>{0}: the domain of {1} is not a valid name.</source>
        <translation>{0}：{1} 的域名无效。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="472"/>
        <source>To</source>
        <extracomment>The fields the checks name, as the sentences above show them; To, Cc, Bcc and From as the compose window labels them (&quot;抄送&quot; in Chinese), not as header names.</extracomment>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="473"/>
        <source>Cc</source>
        <translation>抄送</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="474"/>
        <source>Bcc</source>
        <translation>密送</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="475"/>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="476"/>
        <source>The subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="477"/>
        <source>The message text</source>
        <translation>正文</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="478"/>
        <source>A recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="479"/>
        <source>A To name</source>
        <translation>收件人姓名</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="480"/>
        <source>A Cc name</source>
        <translation>抄送人姓名</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="481"/>
        <source>A Bcc name</source>
        <translation>密送人姓名</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="482"/>
        <source>The From name</source>
        <translation>发件人姓名</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="483"/>
        <source>A To address</source>
        <translation>收件人地址</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="484"/>
        <source>A Cc address</source>
        <translation>抄送地址</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="485"/>
        <source>A Bcc address</source>
        <translation>密送地址</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="486"/>
        <source>The From address</source>
        <translation>发件人地址</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="487"/>
        <source>A recipient address</source>
        <translation>收件人地址</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="503"/>
        <source>{0} contains a line break; a header must be one line.</source>
        <translation>{0}中含有换行符；邮件头只能是一行。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="513"/>
        <source>{0} contains a NUL character, which mail cannot carry.</source>
        <translation>{0}中含有 NUL 字符，邮件无法传送这种字符。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="521"/>
        <source>{0} contains an invalid character (a lone surrogate at position {1}).</source>
        <translation>{0}中含有无效字符（位置 {1} 处有孤立的代理字符）。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="535"/>
        <source>{0}: {1} is not a usable email address ({2}).</source>
        <translation>{0}：{1} 不是可用的电子邮件地址（{2}）。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="548"/>
        <source>{0}: {1} is not an email address.</source>
        <translation>{0}：{1} 不是电子邮件地址。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/compose.py" line="554"/>
        <source>{0}: {1} has non-ASCII characters before the @, which this server connection cannot send (SMTPUTF8).</source>
        <translation>{0}：{1} 的 @ 之前含有非 ASCII 字符，通过此服务器连接无法发送（需要 SMTPUTF8）。</translation>
    </message>
</context>
<context>
    <name>ComposeWindow</name>
    <message>
        <location filename="../../ui/compose.py" line="124"/>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="126"/>
        <source>Name &lt;address&gt;, another@example.com</source>
        <translation>姓名 &lt;地址&gt;, another@example.com</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="127"/>
        <source>To</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="129"/>
        <source>Cc</source>
        <translation>抄送</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="131"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="133"/>
        <source>Message</source>
        <translation>正文</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="135"/>
        <location filename="../../ui/compose.py" line="259"/>
        <source>Loading the original message…</source>
        <translation>正在载入原邮件…</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="137"/>
        <source>From:</source>
        <translation>发件人：</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="138"/>
        <source>To:</source>
        <translation>收件人：</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="139"/>
        <source>Cc:</source>
        <translation>抄送：</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="140"/>
        <source>Subject:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="145"/>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="146"/>
        <source>Throw this draft away and quote the original again</source>
        <translation>丢弃此草稿，重新引用原邮件</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="150"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="151"/>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="153"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="154"/>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="209"/>
        <source>Cannot start the message: {0}</source>
        <translation>无法开始写邮件：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="229"/>
        <source>Your unsent draft from {0} is back.</source>
        <translation>已恢复您在 {0} 未发送的草稿。</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="303"/>
        <source>The draft could not be saved: {0}</source>
        <translation>草稿无法保存：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="319"/>
        <source>Something went wrong: {0}</source>
        <translation>出错了：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="331"/>
        <source>Discard this message?</source>
        <translation>丢弃这封邮件？</translation>
    </message>
    <message>
        <location filename="../../ui/compose.py" line="332"/>
        <source>What you wrote will be lost.</source>
        <translation>您写的内容将会丢失。</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <location filename="../../ui/window.py" line="115"/>
        <source>Connection problems</source>
        <extracomment>an OAuth2 mail account&apos;s &quot;Sign in again&quot;: the source id (&quot;mail:work&quot;)</extracomment>
        <translation>连接问题</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="116"/>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="117"/>
        <source>Sign in…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="118"/>
        <source>Sign in again in the browser</source>
        <translation>在浏览器中重新登录</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="119"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="120"/>
        <source>Open the settings to fix the connection</source>
        <translation>打开设置以修复连接</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="135"/>
        <source>Mail “{0}”</source>
        <translation>邮件“{0}”</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="137"/>
        <source>Chat and approvals</source>
        <translation>聊天与审批</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="139"/>
        <source>Inbox database</source>
        <translation>收件箱数据库</translation>
    </message>
</context>
<context>
    <name>Detail</name>
    <message>
        <location filename="../../ui/detail/__init__.py" line="32"/>
        <location filename="../../ui/detail/__init__.py" line="65"/>
        <source>Select an item to read it.</source>
        <translation>选择一项即可阅读。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/__init__.py" line="100"/>
        <source>This item is gone: it was deleted or moved at its source.</source>
        <translation>此项已不存在：它已在来源处被删除或移动。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="82"/>
        <source>Approved by {0}</source>
        <translation>{0} 已同意</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="84"/>
        <source>Approved</source>
        <translation>已同意</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="88"/>
        <source>Rejected by {0}</source>
        <translation>{0} 已拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="90"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="93"/>
        <source>Withdrawn by the requester</source>
        <translation>申请人已撤回</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="95"/>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="98"/>
        <source>Already decided elsewhere: {0}</source>
        <translation>已在其他地方处理：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="106"/>
        <source>The decision was not accepted: {0}</source>
        <translation>审批意见未被接受：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="111"/>
        <source>approval</source>
        <translation>同意</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="113"/>
        <source>rejection</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="115"/>
        <source>Sent — waiting for confirmation of your {0}…</source>
        <translation>已发送 — 正在等待确认您的{0}…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="158"/>
        <source>Comment</source>
        <extracomment>asks &quot;really reject?&quot; and calls ``proceed`` on yes; replaced in tests</extracomment>
        <translation>批注</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="159"/>
        <source>Comment (optional)</source>
        <translation>意见（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="163"/>
        <source>Approve</source>
        <translation>同意</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="164"/>
        <location filename="../../ui/detail/approval.py" line="259"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="189"/>
        <source>Requested by {0} · {1}</source>
        <translation>申请人 {0} · {1}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="191"/>
        <location filename="../../ui/detail/notice.py" line="72"/>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="198"/>
        <source>Deadline: {0}</source>
        <translation>截止时间：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="200"/>
        <location filename="../../ui/detail/notice.py" line="128"/>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="209"/>
        <source>Open in OA</source>
        <translation>在 OA 中打开</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="243"/>
        <source>Reject “{0}”?</source>
        <translation>拒绝“{0}”？</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="247"/>
        <source>Comment: {0}</source>
        <translation>意见：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="249"/>
        <source>No comment will be sent.</source>
        <translation>不会附带意见。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/approval.py" line="253"/>
        <source>Reject request</source>
        <translation>拒绝申请</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="123"/>
        <source>Write a reply… (Ctrl+Enter to send)</source>
        <translation>输入回复…（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="111"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="77"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="79"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="102"/>
        <source>Conversation</source>
        <translation>会话</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="107"/>
        <location filename="../../ui/detail/mail.py" line="96"/>
        <source>Reply</source>
        <extracomment>Fetches a message body; runs on a worker thread, raises with a user-readable message. name → (title, shortcut) of the mail actions; the list helper shows them in menus</extracomment>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="121"/>
        <source>Write a reply… (Enter to send, Shift+Enter for a new line)</source>
        <translation>输入回复…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="137"/>
        <source>Direct message</source>
        <translation>私聊</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="139"/>
        <source>Group conversation</source>
        <translation>群聊</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="184"/>
        <location filename="../../ui/detail/chat.py" line="194"/>
        <source>You</source>
        <translation>我</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="203"/>
        <source>No messages yet.</source>
        <translation>还没有消息。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="232"/>
        <source>not sent: {0}</source>
        <translation>未发送：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="233"/>
        <source>refused by the server</source>
        <translation>被服务器拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/detail/chat.py" line="235"/>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/common.py" line="199"/>
        <source>Mark as read</source>
        <extracomment>Schemes a click may hand to the system; anything else (file:, javascript:, smb:) is ignored. the user asked to open the settings (e.g. from a mail &quot;set up webmail&quot; hint)</extracomment>
        <translation>标为已读</translation>
    </message>
    <message>
        <location filename="../../ui/detail/common.py" line="201"/>
        <source>Mark as unread</source>
        <translation>标为未读</translation>
    </message>
    <message>
        <location filename="../../ui/detail/common.py" line="221"/>
        <source>Something went wrong: {0}</source>
        <translation>出错了：{0}</translation>
    </message>
    <message>
        <location filename="../../app/facade.py" line="366"/>
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <location filename="../../app/facade.py" line="292"/>
        <location filename="../../app/facade.py" line="351"/>
        <source>The account {0} is no longer set up.</source>
        <translation>账户 {0} 已不存在。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="97"/>
        <source>Reply all</source>
        <translation>回复全部</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="98"/>
        <source>Forward</source>
        <translation>转发</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="99"/>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="100"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="101"/>
        <location filename="../../ui/detail/mail.py" line="418"/>
        <source>Move to…</source>
        <translation>移动到…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="123"/>
        <source>Cc:</source>
        <translation>抄送：</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="124"/>
        <source>From:</source>
        <translation>发件人：</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="125"/>
        <source>To:</source>
        <translation>收件人：</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="127"/>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="133"/>
        <source>Remote images in this message were blocked to protect your privacy.</source>
        <translation>为保护您的隐私，已阻止此邮件中的远程图片。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="140"/>
        <source>Open in mail client</source>
        <translation>在邮件客户端中打开</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="169"/>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="187"/>
        <source>Loading the message…</source>
        <translation>正在加载邮件…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="194"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="200"/>
        <source>Message</source>
        <translation>邮件内容</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="212"/>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="218"/>
        <source>Attachments: loading…</source>
        <translation>附件：加载中…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="243"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="244"/>
        <source>Sent.</source>
        <translation>已发送。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="245"/>
        <source>Not sent.</source>
        <translation>未发送。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="266"/>
        <source>Message bodies cannot be fetched in this session.</source>
        <translation>本次会话无法获取邮件正文。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="291"/>
        <source>Attachments: {0}</source>
        <translation>附件：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="305"/>
        <source>Could not load the message: {0}</source>
        <translation>无法加载邮件：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="330"/>
        <source>This mail has no Message-ID, so no mail client can find it. Set a webmail address for the account in Settings to open mail in the browser.</source>
        <translation>这封邮件没有 Message-ID，邮件客户端无法找到它。在设置中为该账户填写网页邮箱地址，即可在浏览器中打开邮件。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="339"/>
        <source>No mail client on this computer opens message links (mid:). Set a webmail address for the account in Settings to open mail in the browser.</source>
        <translation>这台电脑上没有能打开邮件链接（mid:）的邮件客户端。在设置中为该账户填写网页邮箱地址，即可在浏览器中打开邮件。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="353"/>
        <source>No mail client took this message. Set a webmail address for the account in Settings to open mail in the browser.</source>
        <translation>没有邮件客户端接收这封邮件。在设置中为该账户填写网页邮箱地址，即可在浏览器中打开邮件。</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="361"/>
        <source>The browser could not be started. The webmail address is: {0}</source>
        <translation>无法启动浏览器。网页邮箱地址是：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/mail.py" line="442"/>
        <source>The folders could not be listed: {0}</source>
        <translation>无法列出文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="45"/>
        <source>Already completed by {0}</source>
        <translation>已由 {0} 完成</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="47"/>
        <source>Already completed elsewhere</source>
        <translation>已在别处完成</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="51"/>
        <source>Completed by {0}</source>
        <translation>已由 {0} 完成</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="53"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="57"/>
        <source>Sent — waiting for confirmation…</source>
        <translation>已发送 — 正在等待确认…</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="60"/>
        <source>The task could not be completed: {0}</source>
        <translation>无法完成任务：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="74"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="76"/>
        <source>Complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="77"/>
        <source>Mark the task done</source>
        <translation>将任务标记为已完成</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="86"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="97"/>
        <source>Task in {0} · {1}</source>
        <translation>{0} 中的任务 · {1}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="103"/>
        <source>Announcement from {0} · {1}</source>
        <translation>来自 {0} 的公告 · {1}</translation>
    </message>
    <message>
        <location filename="../../ui/detail/notice.py" line="127"/>
        <source>Due: {0}</source>
        <translation>截止：{0}</translation>
    </message>
</context>
<context>
    <name>FileField</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="119"/>
        <source>Optional: the system&apos;s certificates are used</source>
        <translation>可选：默认使用系统证书</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="121"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <location filename="../../ui/formatting.py" line="26"/>
        <source>system</source>
        <comment>The Qt locale name of this translation&apos;s language (e.g. zh_CN); dates in the UI use its day and month names. Leave &apos;system&apos; untranslated in English.</comment>
        <extracomment>untranslated, the marker of &quot;no translation loaded&quot;: the system&apos;s locale is used</extracomment>
        <translation>zh_CN</translation>
    </message>
</context>
<context>
    <name>InboxDelegate</name>
    <message>
        <location filename="../../ui/delegate.py" line="56"/>
        <source>Pending</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="57"/>
        <source>Approved</source>
        <translation>已同意</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="58"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="59"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="60"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="61"/>
        <source>Sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="62"/>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="63"/>
        <source>Not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <location filename="../../ui/formatting.py" line="91"/>
        <source>You</source>
        <translation>我</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="73"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="75"/>
        <source>Announcement</source>
        <translation>公告</translation>
    </message>
    <message>
        <location filename="../../ui/delegate.py" line="226"/>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
</context>
<context>
    <name>InboxWindow</name>
    <message>
        <location filename="../../ui/window.py" line="265"/>
        <source>Tidings</source>
        <extracomment>open the settings dialog; the argument is the source to focus (&quot;mail:work&quot;) or &quot;&quot;</extracomment>
        <translation>消息通</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="279"/>
        <source>Search (Ctrl+F)</source>
        <translation>搜索（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="282"/>
        <source>Clear search</source>
        <translation>清除搜索</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="284"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="286"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="288"/>
        <source>Unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="296"/>
        <source>Show all items</source>
        <translation>显示全部条目</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="297"/>
        <source>Show unread items only</source>
        <translation>只显示未读条目</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="299"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="319"/>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="342"/>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="343"/>
        <source>Inbox status</source>
        <translation>收件箱状态</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="363"/>
        <source>← Back</source>
        <translation>← 返回</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="364"/>
        <source>Back to the list (Esc)</source>
        <translation>返回列表（Esc）</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="365"/>
        <source>Back to the list</source>
        <translation>返回列表</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="470"/>
        <source>This item is gone: it was deleted or moved at its source.</source>
        <translation>此项已不存在：它已在来源处被删除或移动。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/window.py" line="491"/>
        <source>%n item(s) from the notification</source>
        <translation>
            <numerusform>通知中的 %n 个条目</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="495"/>
        <source>These items were read or removed since the notification.</source>
        <translation>这些条目在通知之后已被阅读或移除。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="597"/>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="603"/>
        <source>&amp;Toggle read</source>
        <translation>切换已读/未读(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="604"/>
        <source>Mark as &amp;read</source>
        <translation>标为已读(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="605"/>
        <source>Mark as &amp;unread</source>
        <translation>标为未读(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="607"/>
        <source>&amp;Approve</source>
        <translation>同意(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="607"/>
        <source>Approve the request</source>
        <translation>同意此申请</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="610"/>
        <source>Re&amp;ject…</source>
        <translation>拒绝(&amp;J)…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="610"/>
        <source>Reject the request</source>
        <translation>拒绝此申请</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="613"/>
        <source>&amp;Complete task</source>
        <translation>完成任务(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="613"/>
        <source>Mark the task done</source>
        <translation>将任务标记为已完成</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="615"/>
        <location filename="../../ui/window.py" line="617"/>
        <source>&amp;Snooze</source>
        <translation>稍后提醒(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="619"/>
        <source>&amp;Next item</source>
        <translation>下一条(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="620"/>
        <source>&amp;Previous item</source>
        <translation>上一条(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="621"/>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="624"/>
        <source>&amp;All items</source>
        <translation>全部条目(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="627"/>
        <source>&amp;Unread only</source>
        <translation>仅未读(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="639"/>
        <source>Mark &amp;all read</source>
        <translation>全部标为已读(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="642"/>
        <source>Mark every item of this view read</source>
        <translation>将此视图中的所有条目标为已读</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="644"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="645"/>
        <source>&amp;Back to the list</source>
        <translation>返回列表(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="646"/>
        <source>S&amp;ettings…</source>
        <translation>设置(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="647"/>
        <source>&amp;Close window</source>
        <translation>关闭窗口(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="651"/>
        <source>Menu bar</source>
        <translation>菜单栏</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="652"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="659"/>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="668"/>
        <source>&amp;Item</source>
        <translation>条目(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="670"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="671"/>
        <source>Copy diagnostics…</source>
        <translation>复制诊断信息…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="732"/>
        <source>Item actions</source>
        <translation>条目操作</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="745"/>
        <source>Choose a time…</source>
        <translation>选择时间…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="813"/>
        <source>Reject requests</source>
        <translation>拒绝申请</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="814"/>
        <source>Reject {0} requests?</source>
        <translation>拒绝这 {0} 个申请？</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="817"/>
        <source>No comment will be sent.</source>
        <translation>不会发送批注。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="818"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="850"/>
        <location filename="../../ui/window.py" line="851"/>
        <source>Snoozed until {0}.</source>
        <translation>已推迟到 {0} 再提醒。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="881"/>
        <source>Nothing unread here.</source>
        <translation>这里没有未读条目。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/window.py" line="885"/>
        <source>Marked %n item(s) read.</source>
        <translation>
            <numerusform>已将 %n 个条目标为已读。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="977"/>
        <source>The item you were reading is not in this view.</source>
        <translation>正在阅读的条目不在此视图中。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1021"/>
        <source>Nothing matches “{0}”.</source>
        <translation>没有与“{0}”匹配的内容。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1023"/>
        <source>All caught up: nothing unread.</source>
        <translation>全部处理完毕：没有未读项。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1025"/>
        <source>No accounts yet — add one in Settings.</source>
        <translation>还没有账户 — 请在设置中添加。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1027"/>
        <source>Your inbox is empty. New mail, messages and requests will appear here.</source>
        <translation>收件箱是空的。新邮件、消息和申请会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="406"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1035"/>
        <source>Results: {0}</source>
        <translation>结果：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1040"/>
        <source>{0} unread</source>
        <translation>{0} 条未读</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1040"/>
        <source>No unread items</source>
        <translation>没有未读项</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1203"/>
        <source>Waiting for the sign-in in your browser…</source>
        <translation>正在等待您在浏览器中登录…</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="1207"/>
        <source>Signed in; connecting…</source>
        <translation>已登录，正在连接…</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <location filename="../../notifications/dispatcher.py" line="63"/>
        <source>Sign in again: {0}</source>
        <extracomment>freedesktop notification categories, so desktops can group and tune them; the spec has none for approvals, tasks or announcements, hence the x-vendor ones.</extracomment>
        <translation>请重新登录：{0}</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="65"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="97"/>
        <source>New item</source>
        <translation>新消息</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="101"/>
        <source>New message</source>
        <translation>新消息</translation>
    </message>
    <message>
        <location filename="../../notifications/desktop_notifier_backend.py" line="77"/>
        <location filename="../../notifications/freedesktop.py" line="154"/>
        <location filename="../../notifications/dispatcher.py" line="107"/>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../notifications/desktop_notifier_backend.py" line="78"/>
        <location filename="../../notifications/freedesktop.py" line="165"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="108"/>
        <location filename="../../notifications/dispatcher.py" line="118"/>
        <location filename="../../notifications/dispatcher.py" line="121"/>
        <source>Mark read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="112"/>
        <source>Approve</source>
        <translation>同意</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="113"/>
        <source>Reject…</source>
        <translation>拒绝…</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="117"/>
        <source>Complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="138"/>
        <source>%n new mail(s)</source>
        <translation>%n 封新邮件</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="140"/>
        <source>%n new chat message(s)</source>
        <translation>%n 条新聊天消息</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="142"/>
        <source>%n new approval request(s)</source>
        <translation>%n 个新审批请求</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="144"/>
        <source>%n new task(s)</source>
        <translation>%n 个新任务</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="146"/>
        <source>%n new announcement(s)</source>
        <translation>%n 条新公告</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="147"/>
        <source>%n new item(s)</source>
        <translation>%n 条新消息</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="153"/>
        <source>%n mail(s)</source>
        <translation>%n 封邮件</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="155"/>
        <source>%n chat message(s)</source>
        <translation>%n 条聊天消息</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="157"/>
        <source>%n approval request(s)</source>
        <translation>%n 个审批请求</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="159"/>
        <source>%n task(s)</source>
        <translation>%n 个任务</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="160"/>
        <source>%n announcement(s)</source>
        <translation>%n 条公告</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="166"/>
        <source>{0} from {1}</source>
        <translation>{0}，来自 {1}</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="168"/>
        <source>{0} from {1} and {2}</source>
        <translation>{0}，来自 {1} 和 {2}</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="170"/>
        <source>{0} from {1}, {2} and {3}</source>
        <translation>{0}，来自 {1}、{2} 和 {3}</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="172"/>
        <source>{0} from {1}, {2} and %n more</source>
        <translation>{0}，来自 {1}、{2} 等另外 %n 位</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="187"/>
        <source>, </source>
        <comment>list separator</comment>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../notifications/dispatcher.py" line="191"/>
        <source>Latest: {0}</source>
        <translation>最新：{0}</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../config/options.py" line="48"/>
        <source>{0} must be text in quotes</source>
        <extracomment>the TOML type, as the reference names it</extracomment>
        <translation>{0} 必须是加引号的文本</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="69"/>
        <source>{0} must not be empty</source>
        <translation>{0}不能为空</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="86"/>
        <source>{0} must be 1-64 letters, digits, spaces or . @ + - _</source>
        <translation>{0}必须由 1 到 64 个字母、数字、空格或 . @ + - _ 组成</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="100"/>
        <source>{0} must be one of {1}</source>
        <translation>{0}必须是以下之一：{1}</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="117"/>
        <source>{0} must be a whole number, without quotes</source>
        <translation>{0} 必须是整数，不加引号</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="123"/>
        <source>{0} must be between {1} and {2}</source>
        <translation>{0}必须在 {1} 到 {2} 之间</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="140"/>
        <source>{0} must be true or false, without quotes</source>
        <translation>{0} 必须是 true 或 false，不加引号</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="155"/>
        <source>{0} must be a list of texts, like [&quot;a&quot;, &quot;b&quot;]</source>
        <translation>{0} 必须是文本列表，例如 [&quot;a&quot;, &quot;b&quot;]</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="159"/>
        <source>{0} must name at least one folder, and no empty one</source>
        <translation>{0}至少要有一个文件夹，且不能有空的</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="177"/>
        <source>{0} must start with wss:// (or ws:// for a local test gateway)</source>
        <translation>{0}必须以 wss:// 开头（本地测试网关可用 ws://）</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="191"/>
        <source>{0} names a file that does not exist: {1}</source>
        <translation>{0}指向的文件不存在：{1}</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="222"/>
        <source>{0} must be system, none, a proxy like http://proxy.example.com:3128 or socks5://proxy.example.com:1080, or pac+https://… for a PAC file</source>
        <translation>{0}必须是 system、none、代理服务器地址（如 http://proxy.example.com:3128 或 socks5://proxy.example.com:1080），或 PAC 文件地址 pac+https://…</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="242"/>
        <source>{0} must be a mail address like name@example.com</source>
        <translation>{0} 必须是邮件地址，例如 name@example.com</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="258"/>
        <source>{0} needs {1} where the message goes</source>
        <translation>{0}中需要用 {1} 表示邮件的位置</translation>
    </message>
    <message>
        <location filename="../../config/options.py" line="294"/>
        <source>{0} must look like 19:00-08:00 (from-to, 24-hour clock)</source>
        <translation>{0}的格式应为 19:00-08:00（起-止，24 小时制）</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="91"/>
        <source>Name</source>
        <extracomment>How a mail account signs in: a password (LOGIN), or a token from a provider (OAuth2). What a notification shows: everything, who and what about, or only that something came. How Tidings signs in to the gateway: an administrator&apos;s token, or the company&apos;s provider.</extracomment>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="92"/>
        <source>What Tidings calls the account; it also names its password in the system keyring.</source>
        <translation>消息通中的账户名称；系统密钥环中的密码也以它命名。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="102"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="103"/>
        <source>The IMAP server&apos;s name, e.g. imap.example.com.</source>
        <translation>IMAP 服务器的名称，例如 imap.example.com。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="110"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="111"/>
        <source>The name to sign in with, often the mail address.</source>
        <translation>登录用的名称，通常是邮箱地址。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="118"/>
        <source>Sign-in</source>
        <translation>登录方式</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="119"/>
        <source>password: the account&apos;s password (keyring or password command); oauth2: sign in with the provider named in oauth, in the browser (Microsoft 365, Google, a company provider).</source>
        <translation>password：使用账户密码（系统密钥环或密码命令）；oauth2：在浏览器中通过 oauth 指定的登录服务登录（Microsoft 365、Google 或公司自己的登录服务）。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="132"/>
        <source>With auth = oauth2: microsoft, google, or the name of an [oauth.NAME] table that declares the company&apos;s provider.</source>
        <translation>当 auth = oauth2 时：microsoft、google，或声明公司登录服务的 [oauth.NAME] 表的名称。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="143"/>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="144"/>
        <source>tls: encrypted from the first byte; starttls: encryption negotiated on the plain port; plain: no encryption, so the password crosses the network in clear text.</source>
        <translation>tls：从第一个字节起加密；starttls：在普通端口上协商加密；plain：不加密，密码以明文在网络上传输。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="155"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="156"/>
        <source>The server&apos;s port; 0 uses the usual one: 993 for tls, 143 otherwise.</source>
        <translation>服务器端口；0 表示使用常用端口：tls 为 993，其他为 143。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="165"/>
        <location filename="../../config/settings.py" line="364"/>
        <source>CA file</source>
        <translation>CA 文件</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="166"/>
        <source>A PEM file with your organisation&apos;s certificate authority, for a server whose certificate the system does not trust. Certificates are always verified.</source>
        <translation>包含贵单位证书颁发机构的 PEM 文件，用于系统不信任其证书的服务器。证书始终会被验证。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="177"/>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="178"/>
        <source>The folders watched for new mail.</source>
        <translation>要关注新邮件的文件夹。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="185"/>
        <source>Password command</source>
        <translation>密码命令</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="186"/>
        <source>A command that prints the password, e.g. pass show mail/work; empty: the password stored in the system keyring.</source>
        <translation>输出密码的命令，例如 pass show mail/work；留空则使用系统密钥环中保存的密码。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="198"/>
        <source>Webmail URL</source>
        <translation>网页邮箱地址</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="199"/>
        <source>For “Open in mail client”: a webmail address in which {message_id} is replaced by the message&apos;s id; empty: the system&apos;s mail client.</source>
        <translation>用于“在邮件客户端中打开”：网页邮箱地址，其中的 {message_id} 会被替换为邮件的 ID；留空则使用系统的邮件客户端。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="211"/>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="212"/>
        <source>The name recipients see on mail you send from this account, e.g. Li Lei.</source>
        <translation>收件人在您用此账户发出的邮件上看到的名字，例如 李雷。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="221"/>
        <source>Mail address</source>
        <translation>邮件地址</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="222"/>
        <source>The address you send from; empty: the user name, when it is a mail address.</source>
        <translation>发信使用的地址；留空：用户名（如果它是邮件地址）。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="232"/>
        <source>Sending server</source>
        <translation>发信服务器</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="233"/>
        <source>The SMTP submission server, e.g. smtp.example.com; empty: the IMAP server&apos;s name with imap. replaced by smtp. (or the same name). It uses the same user name and password.</source>
        <translation>SMTP 提交服务器，例如 smtp.example.com；留空：把 IMAP 服务器名中的 imap. 换成 smtp.（或使用同一个名字）。使用相同的用户名和密码。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="244"/>
        <source>Sending security</source>
        <translation>发信加密</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="245"/>
        <source>starttls: port 587, encryption negotiated first; tls: port 465, encrypted from the first byte. Mail is never sent without encryption.</source>
        <translation>starttls：端口 587，先协商加密；tls：端口 465，从第一个字节起加密。邮件绝不会未加密发送。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="256"/>
        <source>Sending port</source>
        <translation>发信端口</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="257"/>
        <source>The sending server&apos;s port; 0 uses the usual one: 587 for starttls, 465 for tls.</source>
        <translation>发信服务器的端口；0 表示常用端口：starttls 为 587，tls 为 465。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="266"/>
        <source>Sent folder</source>
        <translation>已发送文件夹</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="267"/>
        <source>Where a copy of sent mail goes when the server marks no folder as Sent (SPECIAL-USE); empty: Sent.</source>
        <translation>服务器未标记“已发送”文件夹（SPECIAL-USE）时，已发邮件副本的存放位置；留空：Sent。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="278"/>
        <source>Archive folder</source>
        <translation>归档文件夹</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="279"/>
        <source>Where Archive moves mail when the server marks no folder as Archive; empty: Archive.</source>
        <translation>服务器未标记“归档”文件夹时，归档操作把邮件移到这里；留空：Archive。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="289"/>
        <source>Trash folder</source>
        <translation>废纸篓文件夹</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="290"/>
        <source>Where Delete moves mail when the server marks no folder as Trash; empty: Trash.</source>
        <translation>服务器未标记“废纸篓”文件夹时，删除操作把邮件移到这里；留空：Trash。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="340"/>
        <source>Gateway URL</source>
        <translation>网关地址</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="341"/>
        <source>The company&apos;s message gateway for chat, approvals, tasks and announcements, e.g. wss://gateway.example.com; empty: Tidings is for mail only.</source>
        <translation>公司的消息网关，用于聊天、审批、任务和公告，例如 wss://gateway.example.com；留空则消息通只用于邮件。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="352"/>
        <source>Token command</source>
        <translation>令牌命令</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="353"/>
        <source>A command that prints the gateway token; empty: the token stored in the system keyring.</source>
        <translation>输出网关令牌的命令；留空则使用系统密钥环中保存的令牌。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="376"/>
        <source>Gateway sign-in</source>
        <translation>网关登录方式</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="377"/>
        <source>token: a token from the gateway&apos;s administrator; sso: sign in with your company account in the browser (tidings gateway login), renewed without asking.</source>
        <translation>token：使用网关管理员发放的令牌；sso：在浏览器中用公司账号登录（tidings gateway login），之后自动续期，无需再次确认。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="388"/>
        <source>Sign-in provider for the gateway</source>
        <translation>网关使用的登录服务</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="389"/>
        <source>With sso: the [oauth.NAME] provider to sign in with, the one your mail uses, so one browser sign-in serves both; empty: the issuer and client id below.</source>
        <translation>sso 时：用于登录的 [oauth.NAME] 登录服务，即邮件所用的那个，这样一次浏览器登录即可同时用于邮件和网关；留空则使用下面的颁发者地址和客户端 ID。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="568"/>
        <source>Proxy</source>
        <translation>代理服务器</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="569"/>
        <source>How mail, the gateway and sign-in reach the network. system: the proxy variables (https_proxy, all_proxy, no_proxy), else on Windows and macOS the system&apos;s proxy settings; none: always direct; http://host:port or socks5://host:port: that proxy; pac+https://host/proxy.pac: the PAC file decides (a PAC file that cannot be used means direct, with a warning).</source>
        <translation>邮件、网关和登录如何连接网络。system：使用代理环境变量（https_proxy、all_proxy、no_proxy），未设置时在 Windows 和 macOS 上使用系统的代理设置；none：始终直接连接；http://host:port 或 socks5://host:port：使用该代理服务器；pac+https://host/proxy.pac：由 PAC 文件决定（PAC 文件无法使用时直接连接，并给出警告）。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="583"/>
        <source>Bypass the proxy for</source>
        <translation>不使用代理的地址</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="584"/>
        <source>Servers reached directly whatever the proxy setting: names (example.com also covers every name below it), IP addresses or blocks (10.0.0.0/8), host:port, or * for all.</source>
        <translation>无论代理如何设置都直接连接的服务器：域名（example.com 也包括其下所有子域名）、IP 地址或地址段（10.0.0.0/8）、host:port，或用 * 表示全部。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="595"/>
        <source>Proxy user name</source>
        <translation>代理用户名</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="596"/>
        <source>The user name for a proxy that asks for one; its password is kept in the system keyring (tidings proxy set-password). Empty: the user name in the proxy URL, if any.</source>
        <translation>代理服务器要求登录时使用的用户名；其密码保存在系统密钥环中（tidings proxy set-password）。留空则使用代理地址中的用户名（如有）。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="607"/>
        <source>PAC file CA</source>
        <translation>PAC 文件 CA</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="608"/>
        <source>A PEM file with the certificate authority of the server the PAC file comes from, if the system does not trust it already. Certificates are always verified.</source>
        <translation>包含 PAC 文件所在服务器的证书颁发机构的 PEM 文件，在系统尚未信任该服务器时使用。证书始终会被验证。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="131"/>
        <location filename="../../config/settings.py" line="400"/>
        <source>Sign-in provider</source>
        <translation>登录服务</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="401"/>
        <source>With sso: the company&apos;s OpenID Connect issuer, e.g. https://login.microsoftonline.com/TENANT/v2.0.</source>
        <translation>sso 时：公司的 OpenID Connect 颁发者地址，例如 https://login.microsoftonline.com/TENANT/v2.0。</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="57"/>
        <source>Issuer</source>
        <translation>颁发者</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="58"/>
        <source>A company provider&apos;s OpenID Connect issuer, e.g. https://sso.example.com; Tidings reads its endpoints from &lt;issuer&gt;/.well-known/openid-configuration. Not used for microsoft and google.</source>
        <translation>公司登录服务的 OpenID Connect 颁发者，例如 https://sso.example.com；消息通从 &lt;issuer&gt;/.well-known/openid-configuration 读取其端点。microsoft 和 google 不使用此项。</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="70"/>
        <location filename="../../config/settings.py" line="412"/>
        <source>Client id</source>
        <translation>客户端 ID</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="71"/>
        <source>Your organisation&apos;s registration of Tidings at the provider (a public client / desktop app with the redirect http://127.0.0.1). Tidings ships none: ask IT for it.</source>
        <translation>贵单位在登录服务中为 Tidings 所做的注册（公共客户端/桌面应用，重定向地址 http://127.0.0.1）。消息通不自带客户端 ID：请向 IT 部门索取。</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="82"/>
        <source>Scopes</source>
        <translation>权限范围</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="83"/>
        <source>A company provider&apos;s scopes for mail; include offline_access to stay signed in. Empty for microsoft and google, whose scopes are built in.</source>
        <translation>公司登录服务用于邮件的权限范围；包含 offline_access 以保持登录。microsoft 和 google 的权限范围已内置，此处留空。</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="94"/>
        <source>Tenant</source>
        <translation>租户</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="95"/>
        <source>microsoft only: the directory (tenant) id or domain; empty: common (any work or personal account).</source>
        <translation>仅 microsoft：目录（租户）ID 或域名；留空：common（任意工作或个人账户）。</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="106"/>
        <source>Client secret</source>
        <translation>客户端密钥</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="107"/>
        <source>google only: the secret Google issues with a desktop-app client. It is not confidential (RFC 8252 §8.5), but Google&apos;s token endpoint wants it.</source>
        <translation>仅 google：Google 为桌面应用客户端颁发的密钥。它并不保密（RFC 8252 §8.5），但 Google 的令牌端点要求提供。</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="119"/>
        <source>Resource</source>
        <translation>资源</translation>
    </message>
    <message>
        <location filename="../../config/oauth_providers.py" line="120"/>
        <source>A company provider only: the RFC 8707 resource indicator of the mail server, if the provider issues tokens per resource; empty: none.</source>
        <translation>仅公司登录服务：若登录服务按资源颁发令牌，此处填写邮件服务器的 RFC 8707 资源标识；留空：无。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="413"/>
        <source>With sso: the id of the company&apos;s registration of Tidings at the provider.</source>
        <translation>sso 时：公司在登录服务中为 Tidings 注册的应用 ID。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="422"/>
        <source>Gateway audience</source>
        <translation>网关受众</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="423"/>
        <source>With sso: the gateway&apos;s resource at the provider (its --oidc-audience), asked for as a resource indicator; empty: the provider&apos;s tokens name the gateway by scope.</source>
        <translation>sso 时：网关在登录服务中的资源标识（即网关的 --oidc-audience），以资源指示符请求；留空则由登录服务按权限范围确定网关。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="434"/>
        <source>Sign-in scopes</source>
        <translation>登录权限范围</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="435"/>
        <source>With sso: the scopes asked for; offline_access keeps the sign-in.</source>
        <translation>sso 时：请求的权限范围；offline_access 用于保持登录。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="365"/>
        <source>A PEM file with the certificate authority of the gateway&apos;s certificate, if the system does not trust it. Certificates are always verified.</source>
        <translation>包含网关证书颁发机构的 PEM 文件，在系统不信任该证书时使用。证书始终会被验证。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="456"/>
        <source>Show notifications</source>
        <translation>显示通知</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="457"/>
        <source>Show a notification for each new item (a burst becomes one summary).</source>
        <translation>每条新事项显示一条通知（大量同时到达时合并为一条摘要）。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="466"/>
        <source>Quiet hours</source>
        <translation>免打扰时段</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="467"/>
        <source>A daily time without notifications, e.g. 19:00-08:00 (it may span midnight); empty: off.</source>
        <translation>每天不显示通知的时段，例如 19:00-08:00（可以跨越午夜）；留空则关闭。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="477"/>
        <source>VIP senders</source>
        <translation>重要联系人</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="478"/>
        <source>Names or mail addresses whose items are notified even while notifications are paused or in quiet hours.</source>
        <translation>即使通知已暂停或处于免打扰时段，也会提醒其事项的姓名或邮箱地址。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="489"/>
        <source>Muted sources</source>
        <translation>静音的来源</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="490"/>
        <source>Sources that never notify, e.g. mail:work or gateway; their items still reach the inbox.</source>
        <translation>从不发出通知的来源，例如 mail:work 或 gateway；其事项仍会进入收件箱。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="500"/>
        <source>Urgent items break through quiet hours</source>
        <translation>紧急事项可在免打扰时段内提醒</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="501"/>
        <source>Urgent items are notified even while notifications are paused or in quiet hours.</source>
        <translation>即使通知已暂停或处于免打扰时段，紧急事项也会提醒。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="510"/>
        <source>Notification previews</source>
        <translation>通知预览</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="511"/>
        <source>What a notification shows, for shared screens and screen sharing: full: sender, subject and the start of the text; sender: sender and subject only; hidden: only “New message”.</source>
        <translation>通知显示多少内容（适用于共享屏幕和屏幕共享）：full：发件人、主题和正文开头；sender：仅发件人和主题；hidden：只显示“新消息”。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="527"/>
        <source>Users may add mail accounts</source>
        <translation>用户可以添加邮件账户</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="528"/>
        <source>false: the Settings dialog offers no “Add…”; only the accounts in the organisation&apos;s policy and the settings file are used. Meant for a policy.</source>
        <translation>false：设置对话框不提供“添加…”；只使用贵单位策略和设置文件中的账户。供策略使用。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="539"/>
        <source>Start Tidings in the tray when I log in</source>
        <translation>登录时在托盘中启动消息通</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="540"/>
        <source>Meant for a policy: enforced, the login entry is made (or removed) at every start; a default applies at the first start only. Set nowhere, the entry is the user&apos;s own choice in Settings.</source>
        <translation>供策略使用：强制时，每次启动都会创建（或删除）登录启动项；默认值只在首次启动时生效。未设置时，启动项由用户在设置中自行决定。</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="552"/>
        <source>Enter sends a chat reply</source>
        <translation>按 Enter 发送聊天回复</translation>
    </message>
    <message>
        <location filename="../../config/settings.py" line="553"/>
        <source>true: Enter sends and Shift+Enter starts a new line, as in chat apps; false: Enter starts a new line and Ctrl+Enter sends, as in mail.</source>
        <translation>true：Enter 发送、Shift+Enter 换行，与聊天软件相同；false：Enter 换行、Ctrl+Enter 发送，与邮件相同。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="69"/>
        <source>{0}.</source>
        <translation>{0}。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="87"/>
        <source>{0}:</source>
        <translation>{0}：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="93"/>
        <source>Set by your organisation</source>
        <translation>由贵单位设定</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="95"/>
        <source>Set by your organisation; your own value is ignored</source>
        <translation>由贵单位设定；您自己的值已被忽略</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="528"/>
        <source>Tidings Settings</source>
        <translation>消息通设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="543"/>
        <source>Mail accounts</source>
        <extracomment>where “Add…” looks an address up; None: DNS and HTTPS as usual (tests set local ones)</extracomment>
        <translation>邮件账户</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="544"/>
        <source>Chat and approvals</source>
        <translation>聊天与审批</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="545"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="546"/>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="555"/>
        <source>Parts of your organisation&apos;s policy could not be used; tell your helpdesk:</source>
        <translation>贵单位策略的部分内容无法使用，请告知技术支持：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="580"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="581"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="582"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="592"/>
        <location filename="../../ui/settings_dialog.py" line="749"/>
        <source>Set by your organisation</source>
        <translation>由贵单位设定</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="598"/>
        <source>Passwords are kept in the system keyring, never in the settings file.</source>
        <translation>密码保存在系统密钥环中，绝不会写入设置文件。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="613"/>
        <location filename="../../ui/settings_dialog.py" line="654"/>
        <source>Unchanged (stored in the system keyring)</source>
        <translation>未更改（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="615"/>
        <source>No system keyring: use a token command</source>
        <translation>没有系统密钥环：请使用令牌命令</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="617"/>
        <source>Paste the token your administrator gave you</source>
        <translation>粘贴管理员提供的令牌</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="619"/>
        <source>Optional: a command that prints the token</source>
        <translation>可选：输出令牌的命令</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="621"/>
        <location filename="../../ui/settings_dialog.py" line="659"/>
        <source>Choose a CA certificate</source>
        <translation>选择 CA 证书</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="621"/>
        <location filename="../../ui/settings_dialog.py" line="659"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="627"/>
        <source>Token:</source>
        <translation>令牌：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="630"/>
        <source>Leave the URL empty to use Tidings for mail only.</source>
        <translation>地址留空则只用消息通收邮件。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="645"/>
        <source>One per line, e.g. intranet.example.com</source>
        <translation>每行一个，例如 intranet.example.com</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="657"/>
        <source>No system keyring to keep it in</source>
        <translation>没有可保存密码的系统密钥环</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="667"/>
        <source>Proxy password:</source>
        <translation>代理密码：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="671"/>
        <source>system: the proxy your system or environment sets. Certificates are checked with the system&apos;s trust store, so a company certificate authority installed on this computer needs no setting.</source>
        <translation>system：使用系统或环境变量设置的代理。证书通过系统的受信任证书库验证，因此已安装在本机上的公司证书颁发机构无需另行设置。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="691"/>
        <source>e.g. 19:00-08:00 (empty: off)</source>
        <translation>例如 19:00-08:00（留空：关闭）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="693"/>
        <source>One name or address per line</source>
        <translation>每行一个姓名或地址</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="697"/>
        <source>Sender, subject and text</source>
        <translation>发件人、主题和正文</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="698"/>
        <source>Sender and subject only</source>
        <translation>仅发件人和主题</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="699"/>
        <source>Hidden: only “New message”</source>
        <translation>隐藏：只显示“新消息”</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="721"/>
        <source>Start Tidings in the tray when I log in</source>
        <translation>登录时在托盘中启动消息通</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="886"/>
        <source>Mail account “{0}”: {1}.</source>
        <translation>邮件账户“{0}”：{1}。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="957"/>
        <source>Could not save the password: there is no system keyring (Secret Service). Use a password or token command instead, or install and start a keyring such as GNOME Keyring or KWallet.</source>
        <translation>无法保存密码：没有系统密钥环（Secret Service）。请改用密码或令牌命令，或安装并启动 GNOME Keyring、KWallet 等密钥环。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="965"/>
        <source>Could not save the password: {0}</source>
        <translation>无法保存密码：{0}</translation>
    </message>
</context>
<context>
    <name>Snooze</name>
    <message>
        <location filename="../../ui/snooze_menu.py" line="39"/>
        <source>Later today</source>
        <translation>今天稍后</translation>
    </message>
    <message>
        <location filename="../../ui/snooze_menu.py" line="40"/>
        <source>Tomorrow morning</source>
        <translation>明天上午</translation>
    </message>
    <message>
        <location filename="../../ui/snooze_menu.py" line="41"/>
        <source>Next week</source>
        <translation>下周</translation>
    </message>
    <message>
        <location filename="../../ui/snooze_menu.py" line="65"/>
        <source>Snooze until</source>
        <translation>推迟提醒到</translation>
    </message>
    <message>
        <location filename="../../ui/snooze_menu.py" line="70"/>
        <source>Date and time</source>
        <translation>日期和时间</translation>
    </message>
    <message>
        <location filename="../../ui/snooze_menu.py" line="71"/>
        <source>Bring it back unread at:</source>
        <translation>在此时间重新显示为未读：</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../ui/status_text.py" line="21"/>
        <location filename="../../ui/tray.py" line="35"/>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="22"/>
        <location filename="../../ui/tray.py" line="36"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="23"/>
        <source>offline, retrying</source>
        <translation>离线，正在重试</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="24"/>
        <location filename="../../ui/tray.py" line="38"/>
        <source>sign-in failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="25"/>
        <location filename="../../ui/tray.py" line="39"/>
        <source>sign in again</source>
        <translation>需要重新登录</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="26"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="27"/>
        <location filename="../../ui/tray.py" line="41"/>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="46"/>
        <location filename="../../ui/status_text.py" line="36"/>
        <source>The gateway rejected the sign-in token</source>
        <translation>网关拒绝了登录令牌</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="47"/>
        <location filename="../../ui/status_text.py" line="37"/>
        <source>The connection to the gateway was lost</source>
        <translation>与网关的连接已断开</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="158"/>
        <location filename="../../sources/smtp/submit.py" line="52"/>
        <source>Cannot get the proxy password: {0}</source>
        <translation>无法获取代理密码：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="203"/>
        <source>The gateway address {0} is not valid</source>
        <translation>网关地址 {0} 无效</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="213"/>
        <source>A secure connection to the gateway failed: {0}</source>
        <translation>与网关建立安全连接失败：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="216"/>
        <location filename="../../ui/status_text.py" line="38"/>
        <source>The gateway did not answer</source>
        <translation>网关没有响应</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="219"/>
        <source>The gateway handshake failed: {0}</source>
        <translation>与网关握手失败：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="225"/>
        <source>The gateway connection failed: {0}</source>
        <translation>网关连接失败：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="237"/>
        <source>The gateway refused the request: {0}</source>
        <translation>网关拒绝了请求：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="244"/>
        <location filename="../../ui/status_text.py" line="39"/>
        <source>Cannot find the gateway&apos;s server name (check the address or the network)</source>
        <translation>找不到网关的服务器名称（请检查地址或网络）</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="248"/>
        <location filename="../../ui/status_text.py" line="40"/>
        <source>The gateway is not answering (connection refused)</source>
        <translation>网关没有响应（连接被拒绝）</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="31"/>
        <location filename="../../ui/status_text.py" line="41"/>
        <source>The server rejected the user name or password</source>
        <translation>服务器拒绝了用户名或密码</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="32"/>
        <source>{0} does not offer STARTTLS on port {1}: choose TLS (port 993) in the account&apos;s security setting</source>
        <translation>{0} 在端口 {1} 上不支持 STARTTLS：请在账户的安全设置中选择 TLS（端口 993）</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="38"/>
        <source>{0} did not accept the sign-in: {1}</source>
        <translation>{0} 不接受此登录请求：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="39"/>
        <source>{0} cannot check passwords right now: {1}</source>
        <translation>{0} 暂时无法验证密码：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="40"/>
        <source>{0} turned the sign-in away for now: {1}</source>
        <translation>{0} 暂时拒绝登录：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="41"/>
        <source>{0} accepts a password only over an encrypted connection: choose TLS or STARTTLS in the account&apos;s security setting.</source>
        <translation>{0} 只接受通过加密连接发送的密码：请在账户的安全设置中选择 TLS 或 STARTTLS。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="164"/>
        <source>{0} cannot take a user name or password with characters beyond plain ASCII (it offers no AUTHENTICATE PLAIN): ask its administrator, or choose an ASCII password.</source>
        <extracomment>An OAuth2 account&apos;s access token: ``token(force_refresh)`` (``oauth.accounts.AccountSignIn``). An account&apos;s status: {0} is the mail server; &quot;AUTHENTICATE PLAIN&quot; is a protocol name.</extracomment>
        <translation>{0} 无法接受含有非 ASCII 字符的用户名或密码（它不支持 AUTHENTICATE PLAIN）：请联系其管理员，或改用只含 ASCII 字符的密码。</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="27"/>
        <location filename="../../ui/status_text.py" line="42"/>
        <source>there is no system keyring to keep passwords in (no Secret Service is running, or it could not be unlocked): set a password command in Settings, or start a keyring such as GNOME Keyring or KWallet and sign in to it</source>
        <extracomment>Said instead of the keyring&apos;s own words (&quot;Prompt dismissed..&quot;, &quot;No recommended backend&quot;). These sentences are translatable Texts (English as a str, for logs): the window, and the outbox notes that carry them, show them in the user&apos;s language.</extracomment>
        <translation>没有可保存密码的系统密钥环（Secret Service 未运行或无法解锁）：请在设置中填写密码命令，或启动 GNOME Keyring、KWallet 等密钥环并登录</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="35"/>
        <source>password</source>
        <extracomment>The secrets callers name (``what``), translated with the sentence they are put in.</extracomment>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="36"/>
        <source>sign-in</source>
        <translation>登录凭据</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="37"/>
        <source>proxy password</source>
        <translation>代理密码</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="38"/>
        <source>gateway sign-in</source>
        <translation>网关登录凭据</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="39"/>
        <source>gateway token</source>
        <translation>网关令牌</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="79"/>
        <source>the {0} command did not finish within {1} s</source>
        <translation>{0}命令未在 {1} 秒内完成</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="85"/>
        <source>the {0} command could not run: {1}</source>
        <translation>无法运行{0}命令：{1}</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="91"/>
        <source>the {0} command failed: {1}</source>
        <translation>{0}命令失败：{1}</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="95"/>
        <source>the {0} command printed nothing</source>
        <translation>{0}命令没有输出任何内容</translation>
    </message>
    <message>
        <location filename="../../config/secrets.py" line="119"/>
        <source>no {0} is stored for {1}: set it in Settings</source>
        <translation>没有为 {1} 保存{0}：请在设置中填写</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="65"/>
        <location filename="../../ui/status_text.py" line="55"/>
        <source>{0}; retrying in {1} s</source>
        <extracomment>(pattern, template): the template&apos;s {0}, {1}... are the pattern&apos;s groups, in order. A group named ``inner`` is itself a sentence and is translated too.</extracomment>
        <translation>{0}；{1} 秒后重试</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="68"/>
        <source>The gateway did not say hello</source>
        <translation>网关没有发送问候（hello）</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="218"/>
        <source>Unexpected problem: {0}</source>
        <extracomment>while waiting for the user to sign in again, look for a new sign-in this often</extracomment>
        <translation>意外问题：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="257"/>
        <source>No gateway address is set</source>
        <translation>尚未设置网关地址</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="274"/>
        <source>The gateway closed the connection</source>
        <translation>网关关闭了连接</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="291"/>
        <source>The gateway session ended before it was renewed</source>
        <translation>网关会话在续期之前已结束</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="341"/>
        <source>The gateway speaks protocol {0}; this Tidings speaks {1}</source>
        <translation>网关使用协议 {0}，而此版本的 Tidings 使用协议 {1}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="36"/>
        <location filename="../../ui/status_text.py" line="59"/>
        <source>Cannot get the password: {0}</source>
        <translation>无法获取密码：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/source.py" line="325"/>
        <location filename="../../ui/status_text.py" line="63"/>
        <source>No gateway token: {0}</source>
        <translation>没有网关令牌：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="67"/>
        <source>no password is stored for {0}: set it in Settings</source>
        <translation>没有为 {0} 保存密码：请在设置中填写</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="71"/>
        <source>no gateway token is stored for {0}: set it in Settings</source>
        <translation>没有为 {0} 保存网关令牌：请在设置中填写</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="198"/>
        <location filename="../../ui/status_text.py" line="75"/>
        <source>The gateway answered HTTP {0}</source>
        <translation>网关返回 HTTP {0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/connection.py" line="249"/>
        <location filename="../../ui/status_text.py" line="79"/>
        <source>Cannot reach the gateway ({0})</source>
        <translation>无法连接网关（{0}）</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="25"/>
        <source>the account&apos;s security setting</source>
        <extracomment>certificate / tls: the settings (a CA file, the security setting) must change; the others are outages worth retrying. Which setting a TLS failure points at, as the sentence names it.</extracomment>
        <translation>账户的安全设置</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="26"/>
        <source>the sending security setting</source>
        <translation>发信的安全设置</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="28"/>
        <source>The secure connection to {0}:{1} failed ({2}): check {3} and port.</source>
        <translation>与 {0}:{1} 的安全连接失败（{2}）：请检查{3}和端口。</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="29"/>
        <location filename="../../ui/status_text.py" line="83"/>
        <source>The server name {0} could not be found.</source>
        <translation>找不到服务器名称 {0}。</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="30"/>
        <location filename="../../ui/status_text.py" line="87"/>
        <source>{0} refused the connection on port {1}.</source>
        <translation>{0} 拒绝了端口 {1} 上的连接。</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="31"/>
        <location filename="../../ui/status_text.py" line="91"/>
        <source>{0} did not answer in time.</source>
        <translation>{0} 未及时响应。</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="32"/>
        <location filename="../../ui/status_text.py" line="95"/>
        <source>{0} closed the connection.</source>
        <translation>{0} 关闭了连接。</translation>
    </message>
    <message>
        <location filename="../../sources/net/failures.py" line="33"/>
        <source>The connection to {0} failed: {1}.</source>
        <translation>与 {0} 的连接失败：{1}。</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="99"/>
        <source>The connection to {0} failed: {1}</source>
        <translation>与 {0} 的连接失败：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/connection.py" line="37"/>
        <location filename="../../ui/status_text.py" line="103"/>
        <source>The connection to {0} broke while signing in.</source>
        <translation>登录时与 {0} 的连接中断。</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="37"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="40"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../../ui/status_text.py" line="35"/>
        <source>The gateway ended this sign-in</source>
        <extracomment>The gateway&apos;s &quot;Sign in again: &lt;why&gt;&quot;: the state beside it already says &quot;sign in again&quot;. Whole sentences, as the sources write them.</extracomment>
        <translation>网关已结束此次登录</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="88"/>
        <source>The autoconfig address {0} is not https://: Tidings does not read account settings over an unencrypted connection, where anyone on the network could change them.</source>
        <translation>自动配置地址 {0} 不是 https:// 地址：Tidings 不会通过未加密的连接读取账户设置，因为网络上的任何人都可能篡改它们。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="113"/>
        <source>{0} redirects its autoconfig file to an unencrypted address ({1}): Tidings does not follow it.</source>
        <translation>{0} 将自动配置文件重定向到未加密的地址（{1}）：Tidings 不会跟随此重定向。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="132"/>
        <source>The autoconfig file at {0} is larger than {1} KB; it is not used.</source>
        <translation>位于 {0} 的自动配置文件大于 {1} KB，因此未被采用。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="146"/>
        <source>The autoconfig file of {0} is not used: {1}</source>
        <translation>未采用 {0} 的自动配置文件：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="185"/>
        <source>The autoconfig file at {0} contains a DTD or entities, which a mail configuration never needs; it is not used.</source>
        <translation>位于 {0} 的自动配置文件含有 DTD 或实体，而邮件配置从不需要这些内容，因此未被采用。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="194"/>
        <source>The autoconfig file at {0} is not valid XML ({1}); it is not used.</source>
        <translation>位于 {0} 的自动配置文件不是有效的 XML（{1}），因此未被采用。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/autoconfig.py" line="202"/>
        <source>The file at {0} is not a mail autoconfig file (no clientConfig/emailProvider).</source>
        <translation>位于 {0} 的文件不是邮件自动配置文件（没有 clientConfig/emailProvider）。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="48"/>
        <source>{0} serves {1}</source>
        <extracomment>a DNS server to ask instead of the system&apos;s resolver replaces ``https://&lt;host&gt;`` of the autoconfig addresses (the host stays in the path) a CA file trusted besides the system&apos;s (a company&apos;s, or a test&apos;s private CA) the proxy setting for the HTTPS fetch (&quot;system&quot;, &quot;none&quot;, a URL); None: [network]&apos;s</extracomment>
        <translation>{1} 的邮件由 {0} 提供</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="54"/>
        <source>the mail of {0} goes to {1} ({2})</source>
        <translation>{0} 的邮件投递到 {1}（{2}）</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="70"/>
        <source>Tidings found no settings for {0}: no autoconfig file and no SRV records. Use “Configure manually” with the server names from your IT department.</source>
        <translation>Tidings 没有找到 {0} 的设置：既没有自动配置文件，也没有 SRV 记录。请使用“手动配置”，填入 IT 部门提供的服务器名称。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="90"/>
        <source>The settings published by the autoconfig file for {0} name a server of another domain ({1}), which may not be your organisation&apos;s: Tidings does not use them. If your IT department confirms that server, enter it with “Configure manually”.</source>
        <translation>{0} 的自动配置文件所发布的设置指向另一个域的服务器（{1}），它可能不属于您的组织，因此 Tidings 不会使用这些设置。如果 IT 部门确认该服务器可用，请通过“手动配置”填写。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="96"/>
        <source>The settings in the DNS SRV records for {0} name a server of another domain ({1}), which may not be your organisation&apos;s: Tidings does not use them. If your IT department confirms that server, enter it with “Configure manually”.</source>
        <translation>{0} 的 DNS SRV 记录中的设置指向另一个域的服务器（{1}），它可能不属于您的组织，因此 Tidings 不会使用这些设置。如果 IT 部门确认该服务器可用，请通过“手动配置”填写。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="116"/>
        <source>The autoconfig file of {0} offers IMAP only without encryption; Tidings does not send a password that way.</source>
        <translation>{0} 的自动配置文件只提供未加密的 IMAP；Tidings 不会以这种方式发送密码。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="124"/>
        <source>The autoconfig file of {0} names no IMAP server.</source>
        <translation>{0} 的自动配置文件没有指定 IMAP 服务器。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="140"/>
        <source>the settings {0} publishes ({1})</source>
        <translation>{0} 发布的设置（{1}）</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/find.py" line="168"/>
        <source>the DNS SRV records of {0}</source>
        <translation>{0} 的 DNS SRV 记录</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/finding.py" line="63"/>
        <source>{0} is not a mail address like name@example.com.</source>
        <extracomment>in words, e.g. &quot;the settings example.com publishes (autoconfig)&quot; the OAuth provider preset (&quot;microsoft&quot;, &quot;google&quot;), or &quot;&quot; (password, or a company provider the settings must name) the name the domain&apos;s own file gives its provider, shown in the dialog</extracomment>
        <translation>{0} 不是形如 name@example.com 的邮件地址。</translation>
    </message>
    <message>
        <location filename="../../sources/discovery/finding.py" line="72"/>
        <source>The domain of {0} is not a valid domain name.</source>
        <translation>{0} 的域名无效。</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="120"/>
        <source>Sign in again: {0}</source>
        <extracomment>renew this long before the session ends (at most a third of its lifetime) while the provider or the gateway is down, try renewing again this often (at most) The state beside it says &quot;sign in again&quot; already: the window shows only the reason.</extracomment>
        <translation>请重新登录：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="121"/>
        <source>the gateway ended this sign-in</source>
        <translation>网关已结束此次登录</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="272"/>
        <source>Cannot reach the gateway to sign in ({0})</source>
        <translation>无法连接网关进行登录（{0}）</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="298"/>
        <source>the gateway refused the sign-in ({0})</source>
        <translation>网关拒绝了登录（{0}）</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="304"/>
        <source>The gateway could not check the sign-in now ({0})</source>
        <translation>网关暂时无法验证登录（{0}）</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="313"/>
        <source>The gateway refused the sign-in: {0}</source>
        <translation>网关拒绝了登录：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="329"/>
        <source>The gateway answered the sign-in with something unexpected</source>
        <translation>网关对登录请求的答复无法识别</translation>
    </message>
    <message>
        <location filename="../../sources/gateway/sso.py" line="352"/>
        <source>Tidings is not signed in to the gateway ({0}); run tidings gateway login</source>
        <translation>Tidings 尚未登录网关（{0}）；请运行 tidings gateway login</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="50"/>
        <source>; </source>
        <comment>between the problems of an incomplete account</comment>
        <translation>；</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="51"/>
        <source>The settings are incomplete: {0}.</source>
        <translation>设置不完整：{0}。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="66"/>
        <source>Signed in, but the folder {0} does not exist on the server.</source>
        <translation>已登录，但服务器上没有文件夹 {0}。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="69"/>
        <source>{0}: {1} mails, {2} unread</source>
        <translation>{0}：{1} 封邮件，{2} 封未读</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="73"/>
        <source>; </source>
        <comment>between the folders of a connection test</comment>
        <translation>；</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="74"/>
        <source>Connected to {0} as {1}. {2}.</source>
        <translation>已以 {1} 的身份连接到 {0}。{2}。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/__init__.py" line="98"/>
        <source>The folders could not be listed: {0}</source>
        <translation>无法列出文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/body.py" line="213"/>
        <source>This mail is no longer on the server: the folder changed.</source>
        <translation>此邮件已不在服务器上：文件夹已变更。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/body.py" line="217"/>
        <source>This mail is no longer on the server.</source>
        <translation>此邮件已不在服务器上。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/body.py" line="236"/>
        <source>The server could not open this mail: {0}</source>
        <translation>服务器无法打开此邮件：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/sending.py" line="45"/>
        <source>Not sent yet: {0}</source>
        <translation>尚未发送：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/sending.py" line="46"/>
        <source>Sent; the copy for the Sent folder waits: {0}</source>
        <translation>已发送；存入“已发送”文件夹的副本尚待保存：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/sending.py" line="47"/>
        <source>Not sent: {0}</source>
        <translation>未发送：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/sending.py" line="48"/>
        <source>Not sent yet, Tidings tries again: {0}</source>
        <translation>尚未发送，Tidings 会再次尝试：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/imap/sending.py" line="138"/>
        <source>The queued message is damaged ({0}).</source>
        <translation>排队中的邮件已损坏（{0}）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="33"/>
        <source>general SOCKS server failure</source>
        <translation>SOCKS 服务器一般性故障</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="34"/>
        <source>connection not allowed by the proxy&apos;s rules</source>
        <translation>代理规则不允许此连接</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="35"/>
        <source>network unreachable</source>
        <translation>网络不可达</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="36"/>
        <source>host unreachable</source>
        <translation>主机不可达</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="37"/>
        <source>connection refused by the server</source>
        <translation>服务器拒绝了连接</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="38"/>
        <source>TTL expired</source>
        <translation>TTL 已过期</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="39"/>
        <source>command not supported</source>
        <translation>不支持该命令</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="40"/>
        <source>address type not supported</source>
        <translation>不支持该地址类型</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="43"/>
        <source>its name could not be found</source>
        <translation>找不到其名称</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="44"/>
        <source>connection refused</source>
        <translation>连接被拒绝</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="45"/>
        <source>no answer in time</source>
        <translation>未及时响应</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="46"/>
        <source>SOCKS5 authentication failed</source>
        <translation>SOCKS5 身份验证失败</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="47"/>
        <source>it accepts none of the offered sign-in methods</source>
        <translation>它不接受所提供的任何登录方式</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="48"/>
        <source>it closed the connection at sign-in</source>
        <translation>它在登录时关闭了连接</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="49"/>
        <source>SOCKS error {0}</source>
        <translation>SOCKS 错误 {0}</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="50"/>
        <source>The proxy {0} did not complete the connection ({1}).</source>
        <translation>代理 {0} 未能完成连接（{1}）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="51"/>
        <source>The proxy {0} requires a user name and password. Set them in the proxy setting.</source>
        <translation>代理 {0} 需要用户名和密码。请在代理设置中填写。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="94"/>
        <source>The proxy {0} refused the user name or password ({1}). Check the proxy user name and password in Settings.</source>
        <translation>代理 {0} 拒绝了用户名或密码（{1}）。请在设置中检查代理的用户名和密码。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="106"/>
        <source>The proxy {0} does not allow connections to {1} ({2}). Ask your IT department to allow this server and port.</source>
        <translation>代理 {0} 不允许连接到 {1}（{2}）。请让 IT 部门放行此服务器和端口。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="112"/>
        <source>The proxy {0} could not reach {1} ({2}).</source>
        <translation>代理 {0} 无法连接到 {1}（{2}）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="120"/>
        <source>The proxy {0} cannot be reached ({1}). Check the proxy setting, or whether this network uses that proxy.</source>
        <translation>无法连接代理 {0}（{1}）。请检查代理设置，或确认当前网络是否使用该代理。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="143"/>
        <source>the server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="195"/>
        <source>The proxy {0} requires a user name and password ({1}). Set them in the proxy setting.</source>
        <translation>代理 {0} 需要用户名和密码（{1}）。请在代理设置中填写。</translation>
    </message>
    <message>
        <location filename="../../sources/net/errors.py" line="246"/>
        <source>The proxy {0} did not answer like an HTTP proxy.</source>
        <translation>代理 {0} 的响应不像 HTTP 代理。</translation>
    </message>
    <message>
        <location filename="../../sources/net/network.py" line="137"/>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../sources/net/pac.py" line="90"/>
        <source>The PAC file {0} failed for {1} ({2}): connecting directly.</source>
        <translation>PAC 文件 {0} 处理 {1} 时出错（{2}）：改为直接连接。</translation>
    </message>
    <message>
        <location filename="../../sources/net/pac.py" line="107"/>
        <source>The PAC file {0} cannot be used ({1}): connecting directly.</source>
        <translation>无法使用 PAC 文件 {0}（{1}）：改为直接连接。</translation>
    </message>
    <message>
        <location filename="../../sources/net/pac.py" line="165"/>
        <source>The PAC file {0} gave no answer for {1}: connecting directly.</source>
        <translation>PAC 文件 {0} 没有给出 {1} 的结果：改为直接连接。</translation>
    </message>
    <message>
        <location filename="../../sources/net/pac.py" line="180"/>
        <source>The PAC file {0} gave no usable proxy for {1} ({2}): connecting directly.</source>
        <translation>PAC 文件 {0} 没有为 {1} 给出可用的代理（{2}）：改为直接连接。</translation>
    </message>
    <message>
        <location filename="../../sources/net/tls.py" line="44"/>
        <source>The CA file {0} does not exist.</source>
        <translation>CA 文件 {0} 不存在。</translation>
    </message>
    <message>
        <location filename="../../sources/net/tls.py" line="48"/>
        <source>The CA file {0} cannot be read (permission denied).</source>
        <translation>无法读取 CA 文件 {0}（权限不足）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/tls.py" line="52"/>
        <source>The CA file {0} is a folder, not a certificate file.</source>
        <translation>CA 文件 {0} 是一个文件夹，而不是证书文件。</translation>
    </message>
    <message>
        <location filename="../../sources/net/tls.py" line="56"/>
        <source>The CA file {0} holds no usable certificate ({1}): it must be PEM (-----BEGIN CERTIFICATE-----).</source>
        <translation>CA 文件 {0} 中没有可用的证书（{1}）：文件必须是 PEM 格式（-----BEGIN CERTIFICATE-----）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/tls.py" line="63"/>
        <source>The CA file {0} cannot be read ({1}).</source>
        <translation>无法读取 CA 文件 {0}（{1}）。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/accounts.py" line="44"/>
        <source>The mail account {0} signs in with OAuth2 but names no provider: set oauth = &quot;microsoft&quot;, &quot;google&quot; or the name of your company&apos;s [oauth.NAME] table.</source>
        <translation>邮件账户 {0} 使用 OAuth2 登录，但没有指定提供方：请设置 oauth = &quot;microsoft&quot;、&quot;google&quot; 或贵公司 [oauth.NAME] 表的名称。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/accounts.py" line="76"/>
        <location filename="../../sources/oauth/accounts.py" line="95"/>
        <source>Tidings needs your organisation&apos;s app registration to sign in with {0}: {1} (the client id) and put it in [oauth.{2}] client_id.</source>
        <translation>Tidings 需要贵组织的应用注册才能通过 {0} 登录：{1}（客户端 ID），并将其填入 [oauth.{2}] client_id。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/accounts.py" line="87"/>
        <source>{0} names the sign-in provider {1}, but no [oauth.{2}] table declares it (issuer, client_id, scopes): {3}.</source>
        <translation>{0} 指定了登录提供方 {1}，但没有 [oauth.{2}] 表声明它（issuer、client_id、scopes）：{3}。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/accounts.py" line="148"/>
        <source>The sign-in command failed: {0}</source>
        <translation>登录命令失败：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/accounts.py" line="230"/>
        <source>{0} gave no lasting sign-in (no refresh token): ask IT to allow offline_access for Tidings.</source>
        <translation>{0} 没有提供长期有效的登录（没有刷新令牌）：请让 IT 部门为 Tidings 开放 offline_access。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/accounts.py" line="263"/>
        <location filename="../../sources/oauth/accounts.py" line="275"/>
        <source>No settings to find the sign-in provider in.</source>
        <translation>没有可用于查找登录提供方的设置。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="222"/>
        <source>{0} answered with something that is not a token; Tidings will try again shortly.</source>
        <extracomment>refresh this long before the access token expires (clock skew, a slow IMAP login) RFC 8628 §3.5: the default polling interval and the step of each ``slow_down``</extracomment>
        <translation>{0} 返回的内容不是令牌；Tidings 稍后会再次尝试。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="278"/>
        <source>No web browser could be opened for the sign-in. Set the BROWSER variable, or sign in with a code on another device (tidings account login --device).</source>
        <translation>无法打开网页浏览器进行登录。请设置 BROWSER 环境变量，或在另一台设备上使用代码登录（tidings account login --device）。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="305"/>
        <source>{0} does not offer sign-in with a code on another device; sign in with the browser.</source>
        <translation>{0} 不支持在另一台设备上使用代码登录；请通过浏览器登录。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="342"/>
        <source>{0}&apos;s answer to the device sign-in is incomplete.</source>
        <translation>{0} 对设备登录请求的答复不完整。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="359"/>
        <location filename="../../sources/oauth/loopback.py" line="74"/>
        <source>The sign-in was cancelled; nothing was saved.</source>
        <translation>登录已取消，未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="407"/>
        <source>Tidings has no lasting sign-in for {0}: sign in again.</source>
        <translation>Tidings 没有 {0} 的长期登录：请重新登录。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="438"/>
        <source>{0} answered without an access token.</source>
        <translation>{0} 的答复中没有访问令牌。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/client.py" line="486"/>
        <location filename="../../sources/oauth/client.py" line="491"/>
        <source>The provider answered with something that is not JSON.</source>
        <translation>提供方返回的内容不是 JSON。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="56"/>
        <source>{0} answered its discovery address {1} with something that is not JSON.</source>
        <extracomment>RFC 9207: the authorization response then carries ``iss``, which must be checked</extracomment>
        <translation>{0} 的发现地址 {1} 返回的内容不是 JSON。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="63"/>
        <source>{0}&apos;s discovery document at {1} is not a JSON object.</source>
        <translation>{0} 位于 {1} 的发现文档不是 JSON 对象。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="80"/>
        <source>{0}&apos;s discovery document has no usable {1}.</source>
        <translation>{0} 的发现文档中没有可用的 {1}。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="90"/>
        <source>The discovery document at {0} names the issuer {1}, not {2}: check the issuer setting (it must match exactly).</source>
        <translation>位于 {0} 的发现文档给出的 issuer 是 {1}，而不是 {2}：请检查 issuer 设置（必须完全一致）。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="98"/>
        <source>authorization endpoint of {0}</source>
        <translation>{0} 的授权端点</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="99"/>
        <source>token endpoint of {0}</source>
        <translation>{0} 的令牌端点</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="103"/>
        <source>device authorization endpoint of {0}</source>
        <translation>{0} 的设备授权端点</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="105"/>
        <source>revocation endpoint of {0}</source>
        <translation>{0} 的撤销端点</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/discovery.py" line="112"/>
        <source>{0} does not offer PKCE with S256, which Tidings requires for a safe sign-in.</source>
        <translation>{0} 不支持 S256 方式的 PKCE，而 Tidings 需要它来保证登录安全。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="61"/>
        <source>The sign-in has expired or was revoked</source>
        <translation>登录已过期或已被撤销</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="62"/>
        <source>The sign-in was declined</source>
        <translation>登录被拒绝</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="63"/>
        <source>The sign-in code expired before it was used</source>
        <translation>登录代码在使用前已过期</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="64"/>
        <source>The sign-in is no longer valid</source>
        <translation>登录已失效</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="65"/>
        <location filename="../../sources/oauth/errors.py" line="67"/>
        <source>The provider asks you to sign in again</source>
        <translation>提供方要求您重新登录</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="66"/>
        <source>The provider asks you to allow access again</source>
        <translation>提供方要求您重新授权访问</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="68"/>
        <source>The provider asks you to choose an account</source>
        <translation>提供方要求您选择一个账户</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="71"/>
        <source>The sign-in service had an internal error</source>
        <translation>登录服务发生内部错误</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="72"/>
        <source>The sign-in service is temporarily unavailable</source>
        <translation>登录服务暂时不可用</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="75"/>
        <source>{0}: sign in to {1} again{2}.</source>
        <extracomment>the reason, the provider, what the provider said (``_quote``)</extracomment>
        <translation>{0}：请重新登录 {1}{2}。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="76"/>
        <source>{0}; Tidings will try again shortly{1}.</source>
        <translation>{0}；Tidings 稍后会再次尝试{1}。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="77"/>
        <source> (the provider said: &quot;{0}&quot;)</source>
        <translation>（提供方称：“{0}”）</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="78"/>
        <source>the sign-in service</source>
        <translation>登录服务</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="99"/>
        <source>{0} does not accept Tidings&apos; client id{1}. The registration or the client id in the settings is wrong; ask your administrator.</source>
        <translation>{0} 不接受 Tidings 的客户端 ID{1}。应用注册或设置中的客户端 ID 有误；请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="105"/>
        <source>{0} refused the permissions Tidings asked for{1}. Check the provider&apos;s scopes in the settings.</source>
        <translation>{0} 拒绝了 Tidings 申请的权限{1}。请检查设置中该提供方的 scopes。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="110"/>
        <source>{0} refused the request with the error {1}{2}.</source>
        <translation>{0} 拒绝了请求，错误为 {1}{2}。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="137"/>
        <source>{0} Tidings will try again shortly.</source>
        <translation>{0} Tidings 稍后会再次尝试。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="146"/>
        <source>{0} ({1}) did not answer in time.</source>
        <translation>{0}（{1}）未及时响应。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="153"/>
        <source>{0} ({1}) answered HTTP {2}; Tidings will try again shortly.</source>
        <translation>{0}（{1}）返回 HTTP {2}；Tidings 稍后会再次尝试。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="159"/>
        <source>{0} answered HTTP {1} at {2}: check the provider&apos;s address in the settings.</source>
        <translation>{0} 在 {2} 返回 HTTP {1}：请检查设置中该提供方的地址。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/errors.py" line="165"/>
        <source>Cannot reach {0} ({1}): {2}. Tidings will try again shortly.</source>
        <translation>无法连接 {0}（{1}）：{2}。Tidings 稍后会再次尝试。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/loopback.py" line="81"/>
        <source>No answer came back from the browser within {0} s, so the sign-in to {1} was stopped. Nothing was saved; sign in again.</source>
        <translation>浏览器在 {0} 秒内没有返回结果，因此已停止登录 {1}。未保存任何内容；请重新登录。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/loopback.py" line="124"/>
        <source>The answer that reached Tidings does not belong to the sign-in it started (wrong state), so it was ignored and nothing was saved. Start the sign-in again.</source>
        <translation>Tidings 收到的答复不属于它发起的这次登录（state 不符），因此已忽略，未保存任何内容。请重新开始登录。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/loopback.py" line="134"/>
        <source>The answer did not come from {0} (issuer {1}), so it was ignored and nothing was saved. Start the sign-in again.</source>
        <translation>该答复并非来自 {0}（issuer {1}），因此已忽略，未保存任何内容。请重新开始登录。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/loopback.py" line="146"/>
        <source>The provider&apos;s answer had no authorization code. Start the sign-in again.</source>
        <translation>提供方的答复中没有授权码。请重新开始登录。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="68"/>
        <source>issuer of {0}</source>
        <extracomment>&quot;microsoft&quot;, &quot;google&quot;, or the name of a company provider in the settings what messages call it (&quot;Microsoft 365&quot;, &quot;Google&quot;, the company&apos;s name) OIDC discovery starts here; https, or http on loopback only Google&apos;s desktop-app registrations come with a secret that is not secret (RFC 8252 §8.5) RFC 8707 resource indicator, sent with the sign-in and token requests when set further audiences the same sign-in is asked for (RFC 8707 allows several resources in the authorization request), whose tokens ``OAuthClient.access_token_for`` gets: the gateway&apos;s beside mail&apos;s, so one browser sign-in serves both extra authorization request parameters (prompt, access_type) False only where the provider&apos;s discovery issuer is a template (Microsoft &quot;common&quot;) What :func:`check_url`&apos;s errors name: translated with the sentence they are put in.</extracomment>
        <translation>{0} 的颁发者地址</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="69"/>
        <source>verification address</source>
        <translation>验证地址</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="82"/>
        <source>The {0} {1} is not a web address.</source>
        <translation>{0} {1} 不是网址。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="91"/>
        <source>The {0} {1} uses plain http://, which anyone on the network could read or change. Use its https:// address.</source>
        <translation>{0} {1} 使用未加密的 http://，网络上的任何人都能读取或篡改其内容。请使用它的 https:// 地址。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="98"/>
        <source>The {0} {1} is not an https:// address.</source>
        <translation>{0} {1} 不是 https:// 地址。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="107"/>
        <source>Signing in with {0} needs your organisation&apos;s client id: {1} Ask your administrator for it and put it in the provider&apos;s client_id setting.</source>
        <translation>通过 {0} 登录需要贵组织的客户端 ID：{1} 请向管理员索取，并填入该提供方的 client_id 设置。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="126"/>
        <source>the application (client) id of Tidings&apos; app registration in Microsoft Entra ID.</source>
        <translation>Tidings 在 Microsoft Entra ID 中的应用注册的应用程序（客户端）ID。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="146"/>
        <source>the OAuth client id of Tidings&apos; desktop-app client in Google Cloud.</source>
        <translation>Tidings 在 Google Cloud 中的桌面应用客户端的 OAuth 客户端 ID。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="169"/>
        <source>The sign-in provider {0} has no issuer: set the address of the company&apos;s OpenID Connect provider.</source>
        <translation>登录提供方 {0} 没有 issuer：请填写公司 OpenID Connect 提供方的地址。</translation>
    </message>
    <message>
        <location filename="../../sources/oauth/providers.py" line="184"/>
        <source>the id your provider gave Tidings&apos; registration.</source>
        <translation>您的登录服务为 Tidings 的注册分配的 ID。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/sent.py" line="103"/>
        <source>Cannot reach the mail server to check Sent: {0}</source>
        <translation>无法连接邮件服务器检查“已发送”文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/sent.py" line="114"/>
        <source>The Sent folder could not be used: {0}</source>
        <translation>无法使用“已发送”文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="47"/>
        <source>Tidings does not send your password to {0} without encryption: choose STARTTLS (port 587) or TLS (port 465).</source>
        <translation>Tidings 不会以未加密的方式向 {0} 发送您的密码：请选择 STARTTLS（端口 587）或 TLS（端口 465）。</translation>
    </message>
    <message>
        <location filename="../../sources/credentials.py" line="8"/>
        <source>The user name or password holds a character that cannot be sent to {0} (a NUL character or broken Unicode text): enter them again.</source>
        <extracomment>A sign-in failure: {0} is the mail server. Nothing was sent to it.</extracomment>
        <translation>用户名或密码中有无法发送给 {0} 的字符（NUL 字符或损坏的 Unicode 文本）：请重新输入。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="54"/>
        <source>Sign-in failed for now. {0} said: {1}</source>
        <translation>暂时无法登录。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="55"/>
        <source>The server refused the sign-in: sign in again. {0} said: {1}</source>
        <translation>服务器拒绝了登录：请重新登录。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="56"/>
        <source>Sign-in is not possible like this. {0} said: {1}</source>
        <translation>无法以这种方式登录。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="57"/>
        <source>The server refused the sign-in. {0} said: {1}</source>
        <translation>服务器拒绝了登录。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="58"/>
        <source>The server cannot take mail right now. {0} said: {1}</source>
        <translation>服务器暂时无法接收邮件。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="59"/>
        <source>The server turned Tidings away. {0} said: {1}</source>
        <translation>服务器拒绝了 Tidings 的连接。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="60"/>
        <source>The server will not talk to Tidings. {0} said: {1}</source>
        <translation>服务器不愿与 Tidings 通信。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="61"/>
        <source>The server wants a different sign-in. {0} said: {1}</source>
        <translation>服务器要求另一种登录方式。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="62"/>
        <source>The message is too big for the server. {0} said: {1}</source>
        <translation>邮件太大，服务器无法接收。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="63"/>
        <source>The server refused the message. {0} said: {1}</source>
        <translation>服务器拒收了此邮件。{0} 的答复：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="64"/>
        <source>{0} The server may have taken the message; Tidings checks before sending it again.</source>
        <translation>{0} 服务器可能已收下此邮件；Tidings 会在重新发送前先进行检查。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="187"/>
        <source>{0} does not offer STARTTLS on port {1}: choose TLS (port 465) in the account&apos;s sending settings.</source>
        <extracomment>Every sentence for a server&apos;s refusal (the tests check each has a translation).</extracomment>
        <translation>{0} 在端口 {1} 上不支持 STARTTLS：请在账户的发信设置中选择 TLS（端口 465）。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="286"/>
        <source>{0} offers no password sign-in on this port (it offers: {1}).</source>
        <translation>{0} 在此端口上不支持密码登录（它支持：{1}）。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="295"/>
        <source>{0} does not take {1} sign-in (it offers: {2}).</source>
        <translation>{0} 不支持 {1} 登录（它支持：{2}）。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="325"/>
        <source>Cannot reach the sign-in service: {0}</source>
        <translation>无法连接登录服务：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="330"/>
        <source>Cannot get a sign-in token: {0}. Sign in again.</source>
        <translation>无法获取登录令牌：{0}。请重新登录。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="369"/>
        <source>{0} cannot take this message: it has 8-bit text and the server lacks 8BITMIME.</source>
        <translation>{0} 无法接收此邮件：邮件含有 8 位文本，而服务器不支持 8BITMIME。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="382"/>
        <source>The message is {0}; {1} accepts at most {2}.</source>
        <translation>邮件大小为 {0}；{1} 最多只接收 {2}。</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="401"/>
        <source>The server refused a recipient, so the message was sent to nobody: {0}</source>
        <translation>服务器拒绝了一位收件人，因此邮件没有发给任何人：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="405"/>
        <source>The server refused recipients, so the message was sent to nobody: {0}</source>
        <translation>服务器拒绝了多位收件人，因此邮件没有发给任何人：{0}</translation>
    </message>
    <message>
        <location filename="../../sources/smtp/submit.py" line="474"/>
        <source>{0} does not support what Tidings needs: {1}</source>
        <translation>{0} 不支持 Tidings 所需的功能：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="32"/>
        <source>The certificate of {0} has expired, so Tidings cannot be sure it is talking to the real server. Its administrator must renew the certificate; nothing is sent until then.</source>
        <translation>{0} 的证书已过期，Tidings 无法确认对方是真正的服务器。必须由其管理员更新证书；在此之前不会发送任何内容。</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="38"/>
        <source>The certificate of {0} is not valid yet. Check this computer&apos;s date and time.</source>
        <translation>{0} 的证书尚未生效。请检查这台电脑的日期和时间。</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="42"/>
        <source>The certificate of {0} was issued for a different name. Check the server name in Settings: use the name the server&apos;s certificate carries, not an alias or IP address.</source>
        <translation>{0} 的证书是为另一个名称签发的。请检查设置中的服务器名称：应使用服务器证书上的名称，而不是别名或 IP 地址。</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="48"/>
        <source>The certificate of {0} is not trusted ({1}). If your organisation uses its own certificate authority, set {2} to that authority&apos;s certificate.</source>
        <translation>{0} 的证书不受信任（{1}）。如果贵组织使用自己的证书颁发机构，请将{2}设为该机构的证书。</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="53"/>
        <source>The certificate of {0} could not be verified ({1}).</source>
        <translation>无法验证 {0} 的证书（{1}）。</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="59"/>
        <source>the account&apos;s CA file setting</source>
        <extracomment>Where each source&apos;s company CA is set, as the sentences above name it.</extracomment>
        <translation>账户的 CA 文件</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="60"/>
        <source>the gateway&apos;s CA file in Settings</source>
        <translation>设置中网关的 CA 文件</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="61"/>
        <source>the provider&apos;s CA file</source>
        <translation>该提供方的 CA 文件</translation>
    </message>
    <message>
        <location filename="../../sources/tls.py" line="62"/>
        <source>a CA file</source>
        <translation>一个 CA 文件</translation>
    </message>
    <message>
        <location filename="../../sources/imap/moves.py" line="59"/>
        <source>The folder {0} does not exist on the server.</source>
        <extracomment>what a &quot;move&quot; entry&apos;s &quot;to&quot; may name besides a folder, and the name used if nothing is marked</extracomment>
        <translation>服务器上没有文件夹 {0}。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/outbox.py" line="125"/>
        <source>No folder to move the message to.</source>
        <translation>没有可将邮件移入的文件夹。</translation>
    </message>
    <message>
        <location filename="../../sources/imap/worker.py" line="154"/>
        <source>The folder {0} cannot be opened: {1}</source>
        <translation>无法打开文件夹 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="52"/>
        <source>SOCKS4 proxies are not supported (no passwords); use SOCKS5</source>
        <translation>不支持 SOCKS4 代理（无法使用密码）；请使用 SOCKS5</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="54"/>
        <source>a proxy reached over TLS (https://) is not supported; use its http:// address</source>
        <translation>不支持通过 TLS（https://）连接的代理；请使用它的 http:// 地址</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="62"/>
        <source>The proxy setting</source>
        <extracomment>What a proxy URL&apos;s error names as its origin: the sentences below put it in as {0}, translated with them (a parsed URL&apos;s errors reach the window as a connection status).</extracomment>
        <translation>代理设置</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="63"/>
        <source>The system proxy setting</source>
        <translation>系统代理设置</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="64"/>
        <source>The {0} environment variable</source>
        <translation>{0} 环境变量</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="132"/>
        <source>{0} is empty.</source>
        <translation>{0}为空。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="135"/>
        <source>{0} contains spaces or control characters.</source>
        <translation>{0}包含空格或控制字符。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="143"/>
        <source>{0} is not a valid proxy address ({1}).</source>
        <translation>{0}不是有效的代理地址（{1}）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="149"/>
        <source>{0}: {1}.</source>
        <translation>{0}：{1}。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="153"/>
        <source>{0} has the unknown scheme {1}: use http://, socks5://, pac+https://, &apos;system&apos; or &apos;none&apos;.</source>
        <translation>{0}使用了未知的协议 {1}：请使用 http://、socks5://、pac+https://、“system”或“none”。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="160"/>
        <source>{0} has no host name.</source>
        <translation>{0}缺少主机名。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="163"/>
        <source>{0} must be only scheme://host:port (it has a path, query or fragment).</source>
        <translation>{0}只能是 scheme://host:port 的形式（其中含有路径、查询或片段）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="167"/>
        <source>{0} has an invalid port (1-65535).</source>
        <translation>{0}的端口无效（应为 1-65535）。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="180"/>
        <source>{0}: a proxy user name cannot contain &apos;:&apos;.</source>
        <translation>{0}：代理用户名不能包含“:”。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="187"/>
        <source>{0} has an invalid host name {1}.</source>
        <translation>{0}的主机名 {1} 无效。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="253"/>
        <source>The PAC address is not a valid URL.</source>
        <translation>PAC 地址不是有效的网址。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="256"/>
        <source>The PAC address must start with pac+https://, pac+http:// or pac+file://.</source>
        <translation>PAC 地址必须以 pac+https://、pac+http:// 或 pac+file:// 开头。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="261"/>
        <source>The PAC address has no host name.</source>
        <translation>PAC 地址缺少主机名。</translation>
    </message>
    <message>
        <location filename="../../sources/net/proxy.py" line="264"/>
        <source>The PAC address contains spaces or control characters.</source>
        <translation>PAC 地址包含空格或控制字符。</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/tray.py" line="308"/>
        <source>Diagnostics copied to the clipboard.</source>
        <translation>诊断信息已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="309"/>
        <source>Diagnostics copied to the clipboard and saved to {0}.</source>
        <translation>诊断信息已复制到剪贴板，并保存到 {0}。</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../ui/tray.py" line="145"/>
        <source>Open inbox</source>
        <extracomment>the user asked for the inbox window (menu &quot;Open inbox&quot;) left click: show the window if hidden, hide it if shown &quot;Sign in again…&quot; for a source whose sign-in ended (&quot;mail:work&quot;, &quot;gateway&quot;) the pause state changed from the menu (paused_until or None)</extracomment>
        <translation>打开收件箱</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="153"/>
        <source>Pause notifications</source>
        <translation>暂停通知</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="159"/>
        <source>For 1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="161"/>
        <source>Until tomorrow</source>
        <translation>直到明天</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="164"/>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="168"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="170"/>
        <source>Copy diagnostics…</source>
        <translation>复制诊断信息…</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="173"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="180"/>
        <source>Diagnostics</source>
        <translation>诊断信息</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="218"/>
        <source>Notifications are on</source>
        <translation>通知已开启</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="226"/>
        <source>Paused until %s</source>
        <translation>暂停至 %s</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/tray.py" line="264"/>
        <source>Tidings — %n unread</source>
        <translation>
            <numerusform>消息通 — %n 条未读</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="279"/>
        <source>Notifications paused until %s</source>
        <translation>通知已暂停至 %s</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="261"/>
        <source>Sign in again: {0}…</source>
        <translation>重新登录：{0}…</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <location filename="../../ui/window.py" line="193"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="194"/>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销（Ctrl+Z）</translation>
    </message>
    <message>
        <location filename="../../ui/window.py" line="195"/>
        <source>Undo mark all read</source>
        <translation>撤销全部标为已读</translation>
    </message>
</context>
<context>
    <name>WelcomeWindow</name>
    <message>
        <location filename="../../ui/welcome.py" line="29"/>
        <location filename="../../ui/welcome.py" line="36"/>
        <source>Welcome to Tidings</source>
        <extracomment>&quot;Add a mail account&quot; &quot;Connect to your company&quot; (the gateway for chat and approvals)</extracomment>
        <translation>欢迎使用消息通</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="35"/>
        <source>Tidings</source>
        <translation>消息通</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="44"/>
        <source>Tidings brings new mail, chat, approval requests and tasks into one inbox and tells you when something arrives. Start with your mail, your company&apos;s messages, or both.</source>
        <translation>消息通把新邮件、聊天、审批申请和任务汇集到一个收件箱，并在有新内容时提醒您。可以从邮件开始，也可以从公司的消息开始，或两者都用。</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="51"/>
        <source>Add a mail account</source>
        <translation>添加邮件账户</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="65"/>
        <source>Connect to your company</source>
        <translation>连接到公司</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="67"/>
        <source>Chat, approvals and tasks through your company&apos;s message gateway</source>
        <translation>通过公司的消息网关接收聊天、审批和任务</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="71"/>
        <source>Tidings keeps running in the tray when you close its windows.</source>
        <translation>关闭窗口后，消息通会继续在托盘中运行。</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="54"/>
        <source>Type your mail address; Tidings finds the server and the sign-in</source>
        <translation>输入您的邮件地址，消息通会找出服务器和登录方式</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="56"/>
        <source>Your organisation manages the mail accounts.</source>
        <translation>邮件账户由贵单位管理。</translation>
    </message>
</context>
</TS>
