"""E-mail sent after the work is committed, never undoing it when the sending fails.

``send_after_commit(messages)`` schedules the messages with ``transaction.on_commit``: they
go out only if the work that caused them is saved, and a mail server that is down or refuses
costs the work nothing. A message that could not be sent is logged, kept (``OnverstuurdeEmail``,
admin: "Onverstuurde e-mails", with the action "E-mail opnieuw versturen"), and the
coordinator who caused it sees "De e-mail aan X kon niet verstuurd worden" on the next page.

Imports no app: the shared layer.
"""
