"""A person in a chat, as end-to-end tests play them through the stand-in Bot API server."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.bot_api import BotApiServer, Call

REPLY_TIMEOUT = 20.0


def to_chat(chat_id: int):  # noqa: ANN201 - a predicate for BotApiServer.wait_for
    return lambda call: int(call.params.get("chat_id", 0)) == chat_id


def buttons(call_or_message: Call | dict) -> list[dict]:
    """Return every inline button of a sent message, a Call or a stored message, in order."""
    markup = call_or_message.params.get("reply_markup") if isinstance(call_or_message, Call) \
        else call_or_message.get("reply_markup")
    return [button for row in (markup or {}).get("inline_keyboard", []) for button in row]


@dataclass
class Person:
    api: BotApiServer
    chat_id: int
    user_id: int

    def send(self, text: str, method: str = "sendMessage", timeout: float = REPLY_TIMEOUT) -> Call:
        """Send a message and return the bot's first call of `method` in this chat after it."""
        mark = len(self.api.calls)
        self.api.send_text(self.chat_id, self.user_id, text)
        return self.api.wait_for(method, to_chat(self.chat_id), timeout=timeout, after=mark)

    def send_silently(self, text: str) -> int:
        """Send a message without waiting; return the mark of calls before it."""
        mark = len(self.api.calls)
        self.api.send_text(self.chat_id, self.user_id, text)
        return mark

    def press(self, message_id: int, label: str) -> tuple[int, dict]:
        """Press a button by its label; return the mark of calls before it and the callback query."""
        mark = len(self.api.calls)
        update = self.api.press_button(self.chat_id, self.user_id, message_id, label)
        return mark, update["callback_query"]

    def press_data(self, message_id: int, data: str) -> tuple[int, dict]:
        mark = len(self.api.calls)
        update = self.api.press(self.chat_id, self.user_id, message_id, data)
        return mark, update["callback_query"]

    def answer_to(self, query: dict, mark: int, timeout: float = REPLY_TIMEOUT) -> Call:
        return self.api.wait_for("answerCallbackQuery",
                                 lambda call: call.params.get("callback_query_id") == query["id"],
                                 timeout=timeout, after=mark)

    def edit_of(self, message_id: int, mark: int, predicate=lambda call: True,  # noqa: ANN001
                timeout: float = REPLY_TIMEOUT) -> Call:
        """Wait for an editMessageText of this message that matches `predicate`."""
        return self.api.wait_for(
            "editMessageText",
            lambda call: int(call.params.get("message_id", 0)) == message_id and predicate(call),
            timeout=timeout, after=mark)


def open_card(person: Person, list_message_id: int, server_name: str) -> Call:
    """Press a server's button on a list message and return the edit that shows its card."""
    mark, _ = person.press(list_message_id, f"\u2068{server_name}\u2069")
    return person.edit_of(list_message_id, mark, lambda call: "<code>" in call.params["text"]
                          or server_name in call.params["text"])


def request_action(person: Person, list_message_id: int, server_name: str, action_label: str) -> Call:
    """Open a server's card from a list message, press an action, and return the confirmation prompt."""
    open_card(person, list_message_id, server_name)
    mark, _ = person.press(list_message_id, action_label)
    return person.api.wait_for("sendMessage", to_chat(person.chat_id), after=mark, timeout=REPLY_TIMEOUT)


def message_id_of(call: Call) -> int:
    """Return the id of the message that a sendMessage call created."""
    if not isinstance(call.result, dict) or "message_id" not in call.result:
        raise LookupError(f"{call.method} call {call.index} created no message: {call.error}")
    return call.result["message_id"]
