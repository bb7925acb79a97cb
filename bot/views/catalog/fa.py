"""Persian message catalog, the default language. Placeholders are filled by `str.format`."""

MESSAGES: dict[str, str] = {
    # Start and help
    "start": (
        "سلام! با این ربات، مدیران یک حساب هاست ایران از تلگرام موجودی کیف پول، "
        "صورت‌حساب‌های پرداخت‌نشده و سرورهای ابری حساب را می‌بینند و سرورها را روشن، "
        "خاموش یا راه‌اندازی مجدد می‌کنند."
    ),
    "help.title": "<b>فرمان‌های در دسترس شما در این گفت‌وگو</b>",
    "help.credit": "/credit — موجودی کیف پول",
    "help.invoices": "/invoices — صورت‌حساب‌های پرداخت‌نشده با دکمهٔ پرداخت",
    "help.vms": "/vms — سرورهای ابری و فرمان‌های مجاز هر سرور",
    "help.connect_private": "/connect — اتصال حساب هاست ایران به این گفت‌وگو",
    "help.connect_group": "/connect — اتصال حساب به این گروه، از راه گفت‌وگوی خصوصی با ربات",
    "help.disconnect": "/disconnect — برداشتن اتصال حساب از این گفت‌وگو",
    "help.cancel": "/cancel — لغو اتصالی که نیمه‌کاره مانده است",
    "help.help": "/help — همین راهنما",
    "help.owner_title": "<b>فرمان‌های مالک ربات</b>",
    "help.allow": "/allow [شناسه] — مجاز کردن این گفت‌وگو یا گفت‌وگوی با این شناسه",
    "help.revoke": "/revoke [شناسه] — لغو مجوز این گفت‌وگو یا گفت‌وگوی با این شناسه",
    "help.chats": "/chats — فهرست گفت‌وگوهای مجاز",
    "help.group_hint": "در گروه، همهٔ اعضا می‌توانند اطلاعات را ببینند و مدیران گروه می‌توانند سرورها را روشن و خاموش کنند.",
    # Access
    "access.unauthorized": (
        "این گفت‌وگو هنوز مجاز نشده است. شناسهٔ آن را برای مالک ربات بفرستید: <code>{chat_id}</code>"
    ),
    "access.owner_only": "این فرمان فقط برای مالکان ربات است.",
    "access.invalid_chat_id": "شناسهٔ گفت‌وگو باید عدد باشد، مثلاً <code>/{command} -1001234567890</code>",
    "access.allowed_here": "این گفت‌وگو مجاز شد. با /help فرمان‌ها را ببینید.",
    "access.allowed_other": "گفت‌وگوی <code>{chat_id}</code> مجاز شد.",
    "access.revoked_here": "مجوز این گفت‌وگو لغو شد و ربات دیگر در اینجا به فرمانی پاسخ نمی‌دهد.",
    "access.revoked_other": "مجوز گفت‌وگوی <code>{chat_id}</code> لغو شد.",
    "access.not_known": "گفت‌وگوی <code>{chat_id}</code> مجاز نبود.",
    "access.chats_title": "<b>گفت‌وگوهای مجاز</b>",
    "access.chats_none": "هنوز هیچ گفت‌وگویی مجاز نشده است.",
    "access.chats_line": "• {title} — <code>{chat_id}</code> — {account}",
    "access.chats_revoked_title": "<b>گفت‌وگوهای لغوشده</b>",
    "access.chat_private": "گفت‌وگوی خصوصی",
    "access.account_linked": "حساب متصل",
    "access.account_missing": "بدون حساب",
    "access.denied_action.admins": "در این گفت‌وگو فقط مدیران گروه و مالکان ربات می‌توانند به سرورها فرمان دهند.",
    "access.denied_action.members": "فقط اعضای این گروه می‌توانند به سرورها فرمان دهند.",
    "access.denied_action.owners": "در این گفت‌وگو فقط مالکان ربات می‌توانند به سرورها فرمان دهند.",
    "access.admin_check_failed": "بررسی دسترسی شما ممکن نشد، پس فرمانی اجرا نشد. کمی بعد دوباره امتحان کنید.",
    "access.connect_admins_only": "فقط مدیران این گروه و مالکان ربات می‌توانند حساب را متصل کنند.",
    # Connecting an account
    "connect.ask_base_url": (
        "نشانی اختصاصی وب‌سرویس حساب را بفرستید؛ همان نشانی که در پروفایل هاست ایران آمده است، "
        "مثلاً <code>api.example.com</code>.\nبرای لغو، /cancel را بفرستید."
    ),
    "connect.invalid_base_url": (
        "این نشانی معتبر نیست. نشانی را به شکل <code>api.example.com</code> یا "
        "<code>https://api.example.com</code> دوباره بفرستید."
    ),
    "connect.ask_token": (
        "اکنون توکن وب‌سرویس را بفرستید. پیامی که توکن در آن است پس از دریافت پاک می‌شود.\n"
        "برای لغو، /cancel را بفرستید."
    ),
    "connect.checking": "در حال بررسی نشانی و توکن…",
    "connect.linked": "✅ حساب {base_url} به این گفت‌وگو متصل شد. موجودی کنونی: <b>{credit}</b>\nاکنون /credit، /invoices و /vms در دسترس است.",
    "connect.linked_group": "✅ حساب {base_url} به گروه «{title}» متصل شد. موجودی کنونی: <b>{credit}</b>",
    "connect.linked_group_notice": "✅ {name} حساب هاست ایران {base_url} را به این گروه متصل کرد. /help فرمان‌ها را نشان می‌دهد.",
    "connect.bad_token": "❌ هاست ایران این توکن را نپذیرفت و چیزی ذخیره نشد. توکن درست را از پروفایل هاست ایران بفرستید، یا /cancel.",
    "connect.unreachable": "❌ نشانی {base_url} از سرور ربات در دسترس نیست و چیزی ذخیره نشد. نشانی درست را بفرستید، یا /cancel.",
    "connect.failed": "❌ بررسی حساب ناموفق بود و چیزی ذخیره نشد: {error}\nتوکن را دوباره بفرستید، یا /cancel.",
    "connect.cancelled": "اتصال حساب لغو شد و چیزی ذخیره نشد.",
    "connect.nothing_to_cancel": "فرایند نیمه‌کاره‌ای برای لغو وجود ندارد.",
    "connect.private_only": "توکن فقط در گفت‌وگوی خصوصی با ربات پذیرفته می‌شود.",
    "connect.group_button": "ادامه در گفت‌وگوی خصوصی",
    "connect.group_prompt": (
        "برای اتصال حساب به این گروه، دکمهٔ زیر را بزنید و ادامه را در گفت‌وگوی خصوصی با ربات انجام دهید. "
        "این دکمه فقط برای {name} و تا {minutes} دقیقه کار می‌کند."
    ),
    "connect.link_invalid": (
        "این پیوند اتصال نامعتبر است، منقضی شده است یا برای شخص دیگری ساخته شده است. "
        "در گروه دوباره /connect را بفرستید."
    ),
    "connect.for_group": "اتصال حساب به گروه «{title}»",
    "connect.token_in_group": (
        "⚠️ این پیام یک توکن را در گروه نشان داد. توکن ذخیره نشد{deleted}. آن را افشاشده بدانید: "
        "در پروفایل هاست ایران توکن تازه‌ای بسازید و سپس /connect را بدون توکن در همین گروه بفرستید."
    ),
    "connect.token_deleted": " و پیام پاک شد",
    "connect.token_not_deleted": "، اما ربات اجازهٔ پاک کردن پیام را نداشت؛ یکی از مدیران آن را پاک کند",
    "connect.disconnected": "اتصال حساب از این گفت‌وگو برداشته شد.",
    "connect.not_linked": "این گفت‌وگو به حسابی متصل نیست.",
    "account.missing_private": "هنوز حسابی به این گفت‌وگو متصل نشده است. با /connect آن را متصل کنید.",
    "account.missing_group": "هنوز حسابی به این گروه متصل نشده است. یکی از مدیران گروه /connect را بفرستد.",
    # Credit and invoices
    "credit.balance": "💰 موجودی کیف پول: <b>{amount}</b>",
    "invoices.none": "🧾 صورت‌حساب پرداخت‌نشده‌ای وجود ندارد.",
    "invoices.title": "🧾 <b>صورت‌حساب‌های پرداخت‌نشده</b>: {count}",
    "invoices.line": "• صورت‌حساب <code>{invoice_id}</code>: {amount}",
    "invoices.zero_line": "• {count} صورت‌حساب با مبلغ صفر",
    "invoices.link_line": "  پیوند پرداخت: {link}",
    "invoices.total": "جمع قابل پرداخت: <b>{total}</b>",
    "invoices.pay_button": "پرداخت {invoice_id} · {amount}",
    # Servers
    "vms.none": "🖥 هیچ سرور ابری‌ای در این حساب نیست.",
    "vms.title": "🖥 <b>سرورهای ابری</b>: {count} (روشن: {on}، خاموش: {off})",
    "vms.page": "صفحهٔ {page} از {pages}",
    "vms.server": "{emoji} سرور <b>{name}</b> · شناسهٔ <code>{vm_id}</code>",
    "vms.state": "   وضعیت: {status} · {power}",
    "vms.next_payment": "   سررسید بعدی: {date} · {amount}",
    "vms.no_next_payment": "   سررسید بعدی: نامشخص",
    "vms.no_actions": "   فرمانی برای این سرور مجاز نیست.",
    "vms.refresh_button": "🔄 به‌روزرسانی",
    "vms.action_button": "{action} · {name}",
    "vms.unknown": "نامشخص",
    # Power states, statuses and actions
    "power.on": "روشن",
    "power.off": "خاموش",
    "status.active": "فعال",
    "status.suspended": "معلق",
    "action.poweroff": "خاموش کردن",
    "action.shutdown": "خاموش کردن",
    "action.start": "روشن کردن",
    "action.poweron": "روشن کردن",
    "action.reboot": "راه‌اندازی مجدد",
    "action.reset": "ریست",
    # Action requests
    "request.prompt": (
        "⚠️ <b>تأیید فرمان</b>\nسرور: <b>{vm}</b> · شناسهٔ <code>{vm_id}</code>\nفرمان: <b>{action}</b>\n"
        "درخواست‌کننده: {requester}\n"
        "این درخواست تا {seconds} ثانیه معتبر است و فقط درخواست‌کننده می‌تواند آن را تأیید کند."
    ),
    "request.confirm_button": "✅ تأیید",
    "request.cancel_button": "✖️ انصراف",
    "request.running": "⏳ در حال اجرای «{action}» روی سرور <b>{vm}</b>…",
    "request.done": "✅ هاست ایران فرمان «{action}» را برای سرور <b>{vm}</b> پذیرفت.",
    "request.rejected": "❌ هاست ایران فرمان «{action}» را برای سرور <b>{vm}</b> نپذیرفت.",
    "request.rejected_detail": "پاسخ هاست ایران: {detail}",
    "request.failed": "❌ فرمان «{action}» برای سرور <b>{vm}</b> فرستاده نشد: {error}",
    "request.withdrawn": "⛔️ فرمان «{action}» دیگر برای سرور <b>{vm}</b> مجاز نیست، پس چیزی فرستاده نشد.",
    "request.server_gone": "⛔️ سرور <b>{vm}</b> دیگر در فهرست سرورهای حساب نیست، پس چیزی فرستاده نشد.",
    "request.unknown": (
        "⚠️ فرمان «{action}» برای سرور <b>{vm}</b> فرستاده شد، اما پاسخی از هاست ایران نرسید و معلوم نیست "
        "اجرا شده است یا نه. پیش از تکرار، وضعیت سرور را ببینید."
    ),
    "request.fresh_state": "وضعیت کنونی: {status} · {power} · فرمان‌های مجاز: {actions}",
    "request.fresh_state_unavailable": "وضعیت کنونی سرور خوانده نشد.",
    "request.cancelled": "✖️ درخواست «{action}» برای سرور <b>{vm}</b> لغو شد و چیزی فرستاده نشد.",
    "request.expired": "⌛️ درخواست «{action}» برای سرور <b>{vm}</b> منقضی شد و چیزی فرستاده نشد. برای اجرای فرمان، دوباره از /vms شروع کنید.",
    "request.audit_line": "درخواست: {requester} · تصمیم: {decider} · {time}",
    "request.none": "ندارد",
    "alert.not_your_request": "فقط {requester} که این درخواست را داده است می‌تواند آن را تأیید یا لغو کند.",
    "alert.running": "این درخواست در حال اجراست.",
    "alert.finished": "این درخواست پیش‌تر بررسی شده است.",
    "alert.expired": "این درخواست منقضی شده است.",
    "alert.invalid_button": "این دکمه نامعتبر یا قدیمی است.",
    "alert.unauthorized_chat": "این گفت‌وگو مجاز نیست.",
    "alert.checking": "در حال بررسی…",
    # Action policy and audit log
    "policy.title": "<b>چه کسانی در این گروه می‌توانند به سرورها فرمان دهند؟</b>\nاکنون: {current}\nمالکان ربات همیشه می‌توانند.",
    "policy.admins": "مدیران گروه",
    "policy.members": "همهٔ اعضای گروه",
    "policy.owners": "فقط مالکان ربات",
    "policy.changed": "✅ از این پس {current} می‌توانند به سرورها فرمان دهند. تغییر از {name}.",
    "policy.private_only_group": "سیاست فرمان‌ها فقط در گروه معنا دارد؛ در گفت‌وگوی خصوصی، خود شما فرمان می‌دهید.",
    "policy.admins_only": "فقط مدیران این گروه و مالکان ربات می‌توانند سیاست را تغییر دهند.",
    "audit.title": "<b>آخرین درخواست‌های فرمان در این گفت‌وگو</b>",
    "audit.title_other": "<b>آخرین درخواست‌های فرمان در گفت‌وگوی <code>{chat_id}</code></b>",
    "audit.none": "هنوز هیچ درخواست فرمانی در این گفت‌وگو ثبت نشده است.",
    "audit.line": "• {time}\n  {action} · سرور <b>{vm}</b> (<code>{vm_id}</code>) · {state}\n  درخواست: {requester} · تصمیم: {decider}",
    "audit.detail": "  جزئیات: {detail}",
    "state.pending": "در انتظار تأیید",
    "state.running": "در حال اجرا",
    "state.done": "انجام شد",
    "state.failed": "ناموفق",
    "state.unknown": "نتیجه نامعلوم",
    "state.cancelled": "لغو شد",
    "state.expired": "منقضی شد",
    "state.rejected": "فرستاده نشد",
    "request.followup_changed": "🔄 وضعیت سرور اکنون {power} است ({time}).",
    "request.followup_unchanged": "ℹ️ وضعیت سرور تا {time} هنوز {power} است؛ اگر انتظار تغییر داشتید، کمی بعد /vms را ببینید.",
    "help.policy": "/policy — اینکه چه کسانی در این گروه به سرورها فرمان دهند",
    "help.audit": "/audit — ۲۰ درخواست فرمان آخر این گفت‌وگو",
    "help.audit_owner": "/audit [شناسه] — درخواست‌های فرمان یک گفت‌وگوی دیگر",
    "menu.policy": "چه کسانی فرمان دهند",
    "menu.audit": "گزارش فرمان‌ها",
    # HostIran failures
    "error.authentication": "❌ هاست ایران توکن این حساب را نپذیرفت. در پروفایل هاست ایران توکن تازه‌ای بسازید و با /connect دوباره متصل شوید.",
    "error.unreachable": "❌ وب‌سرویس هاست ایران از سرور ربات در دسترس نیست. کمی بعد دوباره امتحان کنید.",
    "error.timed_out": "❌ هاست ایران در زمان مقرر پاسخ نداد. کمی بعد دوباره امتحان کنید.",
    "error.rate_limited": "❌ هاست ایران شمار درخواست‌ها را محدود کرده است. {seconds} ثانیهٔ دیگر دوباره امتحان کنید.",
    "error.rate_limited_later": "❌ هاست ایران شمار درخواست‌ها را محدود کرده است. کمی بعد دوباره امتحان کنید.",
    "error.malformed": "❌ پاسخ هاست ایران خوانا نبود. اگر این خطا تکرار شد، به پشتیبانی هاست ایران خبر دهید.",
    "error.server": "❌ هاست ایران با خطای {status} پاسخ داد. کمی بعد دوباره امتحان کنید.",
    "error.rejected": "❌ هاست ایران درخواست را نپذیرفت.",
    "error.stored_token": "❌ توکن ذخیره‌شدهٔ این حساب خوانده نشد. حساب را با /connect دوباره متصل کنید.",
    "error.internal": "❌ خطایی پیش آمد و درخواست انجام نشد. دوباره امتحان کنید.",
    # Command menu
    "menu.start": "معرفی ربات",
    "menu.help": "راهنما و فرمان‌ها",
    "menu.credit": "موجودی کیف پول",
    "menu.invoices": "صورت‌حساب‌های پرداخت‌نشده",
    "menu.vms": "سرورهای ابری",
    "menu.connect": "اتصال حساب هاست ایران",
    "menu.disconnect": "برداشتن اتصال حساب",
    "menu.cancel": "لغو اتصال نیمه‌کاره",
    "menu.allow": "مجاز کردن گفت‌وگو (مالک)",
    "menu.revoke": "لغو مجوز گفت‌وگو (مالک)",
    "menu.chats": "گفت‌وگوهای مجاز (مالک)",
}
