"""English message catalog, a per-chat choice. It has every key of the Persian one."""

MESSAGES: dict[str, str] = {
    # Start and help
    "start": (
        "Hello! With this bot the admins of a HostIran account see its wallet credit, unpaid invoices "
        "and cloud servers from Telegram, and power the servers on, off or reboot them."
    ),
    "help.title": "<b>Commands you can use in this chat</b>",
    "help.credit": "/credit — wallet credit",
    "help.invoices": "/invoices — unpaid invoices with pay buttons",
    "help.vms": "/vms — cloud servers and the actions each one allows",
    "help.connect_private": "/connect — link a HostIran account to this chat",
    "help.connect_group": "/connect — link an account to this group through a private chat with the bot",
    "help.disconnect": "/disconnect — unlink the account from this chat",
    "help.cancel": "/cancel — cancel an unfinished /connect",
    "help.help": "/help — this help",
    "help.owner_title": "<b>Owner commands</b>",
    "help.allow": "/allow [id] — authorize this chat, or the chat with this id",
    "help.revoke": "/revoke [id] — revoke this chat, or the chat with this id",
    "help.chats": "/chats — list the authorized chats",
    "help.group_hint": "In a group every member can read; the group's admins can power servers on and off.",
    # Access
    "access.unauthorized": "This chat is not authorized yet. Send its id to the bot's owner: <code>{chat_id}</code>",
    "access.owner_only": "Only the bot's owners can use this command.",
    "access.invalid_chat_id": "The chat id must be a number, for example <code>/{command} -1001234567890</code>",
    "access.allowed_here": "This chat is now authorized. Send /help to see the commands.",
    "access.allowed_other": "Chat <code>{chat_id}</code> is now authorized.",
    "access.revoked_here": "This chat is no longer authorized; the bot will not answer commands here.",
    "access.revoked_other": "Chat <code>{chat_id}</code> is no longer authorized.",
    "access.not_known": "Chat <code>{chat_id}</code> was not authorized.",
    "access.chats_title": "<b>Authorized chats</b>",
    "access.chats_none": "No chat has been authorized yet.",
    "access.chats_line": "• {title} — <code>{chat_id}</code> — {account}",
    "access.chats_revoked_title": "<b>Revoked chats</b>",
    "access.chat_private": "private chat",
    "access.account_linked": "account linked",
    "access.account_missing": "no account",
    "access.denied_action.admins": "In this chat only the group's admins and the bot's owners can run server actions.",
    "access.denied_action.members": "Only members of this group can run server actions.",
    "access.denied_action.owners": "In this chat only the bot's owners can run server actions.",
    "access.admin_check_failed": "Your permissions could not be checked, so nothing was run. Try again in a moment.",
    "access.connect_admins_only": "Only this group's admins and the bot's owners can link an account.",
    # Connecting an account
    "connect.ask_base_url": (
        "Send the account's dedicated API address, as shown in your HostIran profile, "
        "for example <code>api.example.com</code>.\nSend /cancel to stop."
    ),
    "connect.invalid_base_url": (
        "That address is not valid. Send it again as <code>api.example.com</code> or "
        "<code>https://api.example.com</code>."
    ),
    "connect.ask_token": (
        "Now send the API token. The message that carries it is deleted once it arrives.\n"
        "Send /cancel to stop."
    ),
    "connect.checking": "Checking the address and token…",
    "connect.linked": "✅ Account {base_url} is linked to this chat. Current credit: <b>{credit}</b>\n/credit, /invoices and /vms are ready.",
    "connect.linked_group": "✅ Account {base_url} is linked to the group “{title}”. Current credit: <b>{credit}</b>",
    "connect.linked_group_notice": "✅ {name} linked the HostIran account {base_url} to this group. /help lists the commands.",
    "connect.bad_token": "❌ HostIran rejected this token and nothing was stored. Send the right token from your HostIran profile, or /cancel.",
    "connect.unreachable": "❌ {base_url} cannot be reached from the bot's server and nothing was stored. Send the right address, or /cancel.",
    "connect.failed": "❌ The account check failed and nothing was stored: {error}\nSend the token again, or /cancel.",
    "connect.cancelled": "Linking was cancelled and nothing was stored.",
    "connect.nothing_to_cancel": "There is nothing unfinished to cancel.",
    "connect.private_only": "Tokens are accepted only in a private chat with the bot.",
    "connect.group_button": "Continue in a private chat",
    "connect.group_prompt": (
        "To link an account to this group, press the button below and continue in a private chat "
        "with the bot. The button works only for {name}, for {minutes} minutes."
    ),
    "connect.link_invalid": (
        "This link is invalid, has expired or was made for someone else. "
        "Send /connect in the group again."
    ),
    "connect.for_group": "Linking an account to the group “{title}”",
    "connect.token_in_group": (
        "⚠️ This message showed a token in a group. The token was not stored{deleted}. Treat it as exposed: "
        "make a new token in your HostIran profile, then send /connect without a token in this group."
    ),
    "connect.token_deleted": " and the message was deleted",
    "connect.token_not_deleted": ", but the bot may not delete the message; an admin should delete it",
    "connect.disconnected": "The account was unlinked from this chat.",
    "connect.not_linked": "No account is linked to this chat.",
    "account.missing_private": "No account is linked to this chat yet. Link one with /connect.",
    "account.missing_group": "No account is linked to this group yet. A group admin can send /connect.",
    # Credit and invoices
    "credit.balance": "💰 Wallet credit: <b>{amount}</b>",
    "invoices.none": "🧾 There are no unpaid invoices.",
    "invoices.title": "🧾 <b>Unpaid invoices</b>: {count}",
    "invoices.line": "• Invoice <code>{invoice_id}</code>: {amount}",
    "invoices.zero_line": "• {count} invoices of zero amount",
    "invoices.link_line": "  Pay link: {link}",
    "invoices.total": "Total to pay: <b>{total}</b>",
    "invoices.pay_button": "Pay {invoice_id} · {amount}",
    # Servers
    "vms.none": "🖥 This account has no cloud servers.",
    "vms.title": "🖥 <b>Cloud servers</b>: {count} (on: {on}, off: {off})",
    "vms.page": "Page {page} of {pages}",
    "vms.server": "{emoji} <b>{name}</b> · id <code>{vm_id}</code>",
    "vms.state": "   Status: {status} · {power}",
    "vms.next_payment": "   Next payment: {date} · {amount}",
    "vms.no_next_payment": "   Next payment: unknown",
    "vms.no_actions": "   No action is allowed on this server now.",
    "vms.refresh_button": "🔄 Refresh",
    "vms.action_button": "{action} · {name}",
    "vms.unknown": "unknown",
    # Power states, statuses and actions
    "power.on": "on",
    "power.off": "off",
    "status.active": "active",
    "status.suspended": "suspended",
    "action.poweroff": "Power off",
    "action.shutdown": "Power off",
    "action.start": "Power on",
    "action.poweron": "Power on",
    "action.reboot": "Reboot",
    "action.reset": "Reset",
    # Action requests
    "request.prompt": (
        "⚠️ <b>Confirm action</b>\nServer: <b>{vm}</b> · id <code>{vm_id}</code>\nAction: <b>{action}</b>\n"
        "Requested by: {requester}\n"
        "This request is valid for {seconds} seconds and only the person who asked can confirm it."
    ),
    "request.confirm_button": "✅ Confirm",
    "request.cancel_button": "✖️ Cancel",
    "request.running": "⏳ Running “{action}” on server <b>{vm}</b>…",
    "request.done": "✅ HostIran accepted “{action}” for server <b>{vm}</b>.",
    "request.rejected": "❌ HostIran rejected “{action}” for server <b>{vm}</b>.",
    "request.rejected_detail": "HostIran said: {detail}",
    "request.failed": "❌ “{action}” for server <b>{vm}</b> was not sent: {error}",
    "request.withdrawn": "⛔️ “{action}” is no longer allowed on server <b>{vm}</b>, so nothing was sent.",
    "request.server_gone": "⛔️ Server <b>{vm}</b> is no longer in the account's server list, so nothing was sent.",
    "request.unknown": (
        "⚠️ “{action}” for server <b>{vm}</b> was sent, but no answer came from HostIran, so it is not known "
        "whether it ran. Check the server's state before trying again."
    ),
    "request.fresh_state": "Current state: {status} · {power} · allowed actions: {actions}",
    "request.fresh_state_unavailable": "The server's current state could not be read.",
    "request.cancelled": "✖️ The request “{action}” for server <b>{vm}</b> was cancelled; nothing was sent.",
    "request.expired": "⌛️ The request “{action}” for server <b>{vm}</b> expired; nothing was sent. Start again from /vms.",
    "request.audit_line": "Requested by {requester} · decided by {decider} · {time}",
    "request.none": "none",
    "alert.not_your_request": "Only {requester}, who made this request, can confirm or cancel it.",
    "alert.running": "This request is being handled.",
    "alert.finished": "This request has already been handled.",
    "alert.expired": "This request has expired.",
    "alert.invalid_button": "This button is invalid or out of date.",
    "alert.unauthorized_chat": "This chat is not authorized.",
    "alert.checking": "Checking…",
    # Action policy and audit log
    "policy.title": "<b>Who may run server actions in this group?</b>\nNow: {current}\nThe bot's owners always may.",
    "policy.admins": "the group's admins",
    "policy.members": "every member of the group",
    "policy.owners": "only the bot's owners",
    "policy.changed": "✅ From now on {current} may run server actions. Changed by {name}.",
    "policy.private_only_group": "The action policy applies to groups only; in a private chat you decide yourself.",
    "policy.admins_only": "Only this group's admins and the bot's owners can change the policy.",
    "audit.title": "<b>Latest action requests in this chat</b>",
    "audit.title_other": "<b>Latest action requests in chat <code>{chat_id}</code></b>",
    "audit.none": "No action request has been made in this chat yet.",
    "audit.line": "• {time}\n  {action} · server <b>{vm}</b> (<code>{vm_id}</code>) · {state}\n  Requested by {requester} · decided by {decider}",
    "audit.detail": "  Detail: {detail}",
    "state.pending": "waiting for confirmation",
    "state.running": "running",
    "state.done": "done",
    "state.failed": "failed",
    "state.unknown": "outcome unknown",
    "state.cancelled": "cancelled",
    "state.expired": "expired",
    "state.rejected": "not sent",
    "request.followup_changed": "🔄 The server is now {power} ({time}).",
    "request.followup_unchanged": "ℹ️ At {time} the server is still {power}; if you expected a change, check /vms in a while.",
    "help.policy": "/policy — who may run server actions in this group",
    "help.audit": "/audit — the last 20 action requests of this chat",
    "help.audit_owner": "/audit [id] — the action requests of another chat",
    "menu.policy": "Who may run actions",
    "menu.audit": "Action log",
    # HostIran failures
    "error.authentication": "❌ HostIran rejected this account's token. Make a new token in your HostIran profile and link it again with /connect.",
    "error.unreachable": "❌ The HostIran API cannot be reached from the bot's server. Try again in a moment.",
    "error.timed_out": "❌ HostIran did not answer in time. Try again in a moment.",
    "error.rate_limited": "❌ HostIran is limiting requests. Try again in {seconds} seconds.",
    "error.rate_limited_later": "❌ HostIran is limiting requests. Try again in a moment.",
    "error.malformed": "❌ HostIran's answer could not be read. If this repeats, tell HostIran support.",
    "error.server": "❌ HostIran answered with error {status}. Try again in a moment.",
    "error.rejected": "❌ HostIran rejected the request.",
    "error.stored_token": "❌ The stored token of this account could not be decrypted. Link the account again with /connect.",
    "error.internal": "❌ Something went wrong and the request was not completed. Try again.",
    # Command menu
    "menu.start": "About the bot",
    "menu.help": "Help and commands",
    "menu.credit": "Wallet credit",
    "menu.invoices": "Unpaid invoices",
    "menu.vms": "Cloud servers",
    "menu.connect": "Link a HostIran account",
    "menu.disconnect": "Unlink the account",
    "menu.cancel": "Cancel an unfinished link",
    "menu.allow": "Authorize a chat (owner)",
    "menu.revoke": "Revoke a chat (owner)",
    "menu.chats": "Authorized chats (owner)",
}
