"""What the gateway does with a client action or an ingested event. Each operation is one
store transaction (idempotency record, domain state, events, callback queue) followed by
publishing the committed deliveries to the hub."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gateway import validate as v
from gateway.hub import Hub
from gateway.protocol import (
    new_id,
    now_iso,
    result_error,
    result_ok,
)
from gateway.storage.base import Approval, Delivery, GatewayStore, Integration, StoreTx, Task, TokenInfo

log = logging.getLogger(__name__)


class ActionFailed(Exception):
    def __init__(self, code: str, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class IngestRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Outcome:
    result: dict[str, Any]
    deliveries: list[Delivery]
    callback_queued: bool = False


def _public_candidates(integration: str, own_id: str) -> Iterator[str]:
    """The ids an integration's item may be shown under, in order of preference: its own id, so
    clients see what the integration sent; when another integration has that one, the id under
    the integration's name (names cannot contain ":"); should an id some integration chose take
    even that, one no one can guess ahead."""
    yield own_id
    yield f"{integration}:{own_id}"
    while True:
        yield f"{integration}:{own_id}:{secrets.token_hex(4)}"


def _event(event_type: str, data: dict[str, Any], time_iso: str | None = None) -> dict[str, Any]:
    return {"id": new_id("evt"), "type": event_type, "time": time_iso or now_iso(), "data": data}


class GatewayService:
    def __init__(self, store: GatewayStore, hub: Hub, wake_callbacks: Callable[[], None]) -> None:
        self._store = store
        self._hub = hub
        self._wake_callbacks = wake_callbacks

    async def handle_action(self, who: TokenInfo, frame: dict[str, Any]) -> dict[str, Any]:
        """Run a client action exactly once per (user, id); a repeat gets the stored result."""
        action_id: str = frame["id"]
        handler = {
            "chat.send": self._chat_send,
            "approval.decide": self._approval_decide,
            "item.read": self._item_read,
            "task.complete": self._task_complete,
        }[frame["type"]]
        try:
            async with self._store.transaction() as tx:
                prior = await tx.action_result(who.user, action_id)
                if prior is not None:
                    return prior
                try:
                    outcome = await handler(tx, who, action_id, frame)
                except v.Invalid as exc:
                    outcome = _Outcome(result_error(action_id, "invalid", str(exc)), [])
                except ActionFailed as exc:
                    outcome = _Outcome(result_error(action_id, exc.code, exc.message, exc.data), [])
                await tx.save_action_result(who.user, action_id, outcome.result)
        except Exception:
            # Rolled back; not recorded, so the client's retry of the same id runs it again.
            log.exception("action %s %s of %s failed", frame["type"], action_id, who.user)
            return result_error(action_id, "internal", "the gateway could not process the action")
        await self._hub.publish(outcome.deliveries)
        if outcome.callback_queued:
            self._wake_callbacks()
        return outcome.result

    async def _chat_send(
        self, tx: StoreTx, who: TokenInfo, action_id: str, frame: dict[str, Any]
    ) -> _Outcome:
        # Fields were checked against schemas/chat.send.json by the connection (validate.py).
        conversation_id: str = frame["conversation"]
        text: str = frame["text"]
        conv = await tx.conversation(conversation_id)
        if conv is None or who.user not in conv.members:
            raise ActionFailed("not_found", f"no conversation {conversation_id!r}")
        now = now_iso()
        message = {
            "id": new_id("msg"),
            "sender": {"id": who.user, "name": who.display_name},
            "text": text,
            "time": now,
        }
        event = _event(
            "chat.message",
            {"conversation": {"id": conv.id, "title": conv.title, "kind": conv.kind}, "message": message},
            now,
        )
        deliveries = await tx.append_event(conv.members, event)
        return _Outcome(result_ok(action_id, {"message": message}), deliveries)

    async def _approval_decide(
        self, tx: StoreTx, who: TokenInfo, action_id: str, frame: dict[str, Any]
    ) -> _Outcome:
        # Checked against schemas/approval.decide.json, which also filled the comment's default.
        approval_id: str = frame["approval"]
        decision: str = frame["decision"]
        comment: str = frame["comment"]
        approval = await tx.approval(approval_id)
        # Not a recipient: answer as if it did not exist rather than reveal it.
        if approval is None or who.user not in approval.recipients:
            raise ActionFailed("not_found", f"no approval {approval_id!r}")
        if approval.state != "pending":
            raise ActionFailed(
                "already_resolved", f"approval already {approval.state}", {"state": approval.state}
            )
        state = "approved" if decision == "approve" else "rejected"
        await tx.put_approval(Approval(approval.id, approval.integration, approval.recipients, state))
        now = now_iso()
        by = {"id": who.user, "name": who.display_name}
        event = _event(
            "approval.resolved",
            {"approval": {"id": approval.id}, "state": state, "by": by, "comment": comment, "via": "desktop"},
            now,
        )
        deliveries = await tx.append_event(approval.recipients, event)
        # The integration hears of it under its own id, whatever id the desktop was given.
        owned = await tx.own_id("approval", approval.id)
        own_id = owned[1] if owned is not None else approval.id
        body = {"type": "approval.decided", "approval": own_id, "decision": decision, "comment": comment}
        queued = await self._queue_callback(tx, approval.integration, {**body, "by": by, "time": now})
        if not queued:
            log.warning(
                "approval %s decided but integration %r has no callback", approval.id, approval.integration
            )
        return _Outcome(result_ok(action_id, {"state": state}), deliveries, queued)

    async def _task_complete(
        self, tx: StoreTx, who: TokenInfo, action_id: str, frame: dict[str, Any]
    ) -> _Outcome:
        task_id: str = frame["task"]  # checked against schemas/task.complete.json
        task = await tx.task(task_id)
        # Not an assignee: answer as if it did not exist rather than reveal it.
        if task is None or who.user not in task.recipients:
            raise ActionFailed("not_found", f"no task {task_id!r}")
        if task.state != "open":
            raise ActionFailed("already_resolved", f"task already {task.state}", {"state": task.state})
        await tx.put_task(Task(task.id, task.integration, task.recipients, "completed"))
        now = now_iso()
        by = {"id": who.user, "name": who.display_name}
        event = _event(
            "task.completed",
            {"task": {"id": task.id}, "state": "completed", "by": by, "via": "desktop"},
            now,
        )
        # Every assignee's devices: the task is done for all of them.
        deliveries = await tx.append_event(task.recipients, event)
        owned = await tx.own_id("task", task.id)
        own_id = owned[1] if owned is not None else task.id
        body = {"type": "task.completed", "task": own_id, "by": by, "time": now}
        queued = await self._queue_callback(tx, task.integration, body)
        if not queued:
            log.warning("task %s completed but integration %r has no callback", task.id, task.integration)
        return _Outcome(result_ok(action_id, {"state": "completed"}), deliveries, queued)

    async def _queue_callback(self, tx: StoreTx, integration_name: str, body: dict[str, Any]) -> bool:
        """Queue a signed callback to the integration (in the action's transaction, so it is sent
        once the action commits, retried from the store); False if it has no callback URL."""
        integration = await self._store.integration(integration_name)
        if integration is None or not integration.callback_url:
            return False
        delivery_id = new_id("dlv")
        # delivery_id second, as callbacks have always been laid out; the receiver dedupes by it.
        payload = {"type": body["type"], "delivery_id": delivery_id, **body}
        await tx.enqueue_callback(delivery_id, integration.name, json.dumps(payload).encode(), time.time())
        return True

    async def _item_read(
        self, tx: StoreTx, who: TokenInfo, action_id: str, frame: dict[str, Any]
    ) -> _Outcome:
        item: str = frame["item"]  # an item ref, checked against schemas/item.read.json
        # To all the user's devices; the one that sent it dedupes (simpler than per-device streams).
        deliveries = await tx.append_event([who.user], _event("item.read", {"item": item}))
        return _Outcome(result_ok(action_id, {"item": item}), deliveries)

    async def ingest(
        self, integration: Integration, signature: str, expires_at: float, body: Any
    ) -> dict[str, Any]:
        """Accept one signed event from a third-party system; raises IngestRefused. The body has
        passed validate.check_ingest (schemas/ingest-request.json, defaults filled)."""
        try:
            async with self._store.transaction() as tx:
                if not await tx.remember_signature(integration.name, signature, expires_at):
                    raise IngestRefused("replayed", "this signature was already used")
                key: str = body["idempotency_key"]
                prior = await tx.ingest_result(integration.name, key)
                if prior is not None:
                    return prior
                response, deliveries = await self._ingest_new(tx, integration, body)
                await tx.save_ingest_result(integration.name, key, response)
        except v.Invalid as exc:
            raise IngestRefused("invalid", str(exc)) from None
        await self._hub.publish(deliveries)
        return response

    async def _ingest_new(
        self, tx: StoreTx, integration: Integration, body: dict[str, Any]
    ) -> tuple[dict[str, Any], list[Delivery]]:
        event_type: str = body["type"]
        data: dict[str, Any] = body["data"]
        recipients_raw: str | list[str] = body["recipients"]
        if event_type == "chat.message":
            recipients = await self._bot_message(tx, integration, data, recipients_raw)
        elif recipients_raw == "*":
            recipients = await tx.all_user_names()
        else:
            recipients = list(dict.fromkeys(recipients_raw))
            known = await tx.users(recipients)
            unknown = [r for r in recipients if r not in known]
            if unknown:
                # Refuse the whole event: a typo should be loud, not a silently missing notice.
                raise v.Invalid(f"recipients: unknown users {', '.join(unknown)}")
        now = now_iso()

        # Ids are the integration's own: each item is looked up, stored and sent under its
        # public id, so another integration using the same id gets an item of its own.
        if event_type in ("approval.requested", "approval.resolved"):
            approval_id = await self._public_id(tx, "approval", integration.name, data["approval"])
            existing = await tx.approval(approval_id)
            if event_type == "approval.requested":
                state = existing.state if existing else "pending"
                await tx.put_approval(Approval(approval_id, integration.name, tuple(recipients), state))
            elif existing is None or existing.state == "pending":
                # Decided in the OA itself: a later desktop decision must get already_resolved.
                keep = existing.recipients if existing else tuple(recipients)
                await tx.put_approval(Approval(approval_id, integration.name, keep, data["state"]))

        elif event_type in ("task.assigned", "task.completed"):
            task_id = await self._public_id(tx, "task", integration.name, data["task"])
            existing_task = await tx.task(task_id)
            if event_type == "task.assigned":
                # Assigned again (to other people): they may complete it; a completed task stays so.
                state = existing_task.state if existing_task else "open"
                await tx.put_task(Task(task_id, integration.name, tuple(recipients), state))
            else:
                # Completed in the integration's own system: a later desktop completion gets
                # already_resolved. A task it never assigned here is remembered as completed.
                keep = existing_task.recipients if existing_task else tuple(recipients)
                await tx.put_task(Task(task_id, integration.name, keep, "completed"))

        elif event_type == "announcement":
            await self._public_id(tx, "announcement", integration.name, data["announcement"])

        event = _event(event_type, data, now)
        deliveries = await tx.append_event(recipients, event)
        return {"accepted": True, "event_ids": [event["id"]]}, deliveries

    async def _public_id(self, tx: StoreTx, kind: str, integration: str, item: dict[str, Any]) -> str:
        """The id clients see for the integration's item (item["id"], its own id), given on first
        use and kept; item["id"] is set to it, so the event carries it."""
        own_id: str = item["id"]
        public = await tx.public_id(kind, integration, own_id)
        if public is None:
            for candidate in _public_candidates(integration, own_id):
                if await tx.claim_public_id(kind, integration, own_id, candidate):
                    public = candidate
                    break
        assert public is not None  # the candidates never run out
        item["id"] = public
        return public

    async def _bot_message(
        self, tx: StoreTx, integration: Integration, data: dict[str, Any], recipients_raw: str | list[str]
    ) -> list[str]:
        """Make an integration's chat message its own: sent by its bot identity, into a conversation
        it was added to (`tidings-gateway integration add-to`), to members only; returns the
        recipients. Members would otherwise see a forged message as that person's."""
        message: dict[str, Any] = data["message"]
        if "sender" in message:
            raise IngestRefused(
                "forbidden",
                "data.message.sender: an integration posts as itself (its bot identity); leave sender out",
            )
        conversation_id: str = data["conversation"]["id"]
        conv = await tx.conversation(conversation_id)
        if conv is None or not await tx.integration_may_post(integration.name, conversation_id):
            raise IngestRefused(
                "forbidden",
                f"integration {integration.name!r} was not added to conversation {conversation_id[:200]!r}",
            )
        if recipients_raw == "*":
            recipients = list(conv.members)
        else:
            recipients = list(dict.fromkeys(recipients_raw))
            outside = [r for r in recipients if r not in conv.members]
            if outside:
                raise IngestRefused(
                    "forbidden", f"recipients: not members of {conv.id!r}: {', '.join(outside)[:500]}"
                )
        # The gateway's own title and kind: an integration cannot rename the conversation either.
        data["conversation"] = {"id": conv.id, "title": conv.title, "kind": conv.kind}
        message_id = await self._public_id(tx, "message", integration.name, message)
        data["message"] = {
            "id": message_id,
            # "integration:" cannot begin a user name, so the id never matches a person.
            "sender": {
                "id": f"integration:{integration.name}",
                "name": integration.display_name,
                "bot": True,
            },
            "text": message["text"],
            "time": message["time"],
        }
        return recipients
