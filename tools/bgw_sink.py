"""bgw_sink: the SMTP sink of the dev and test stacks (./dev start_smtp).

aiosmtpd's Mailbox handler (every message into one Maildir), plus delivery status
notifications for chosen addresses, as a remote server would send them days after the
relay said 250: a recipient whose local part starts with dsn-fail gets a permanent report
(5.1.1), dsn-delay a transient one (4.4.7, Action: delayed).  The report goes to the
message's envelope sender (its per-message return path) and lands in the second Maildir,
which bgw-notify --bounces --maildir reads, so the tests exercise the whole path.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c bgw_sink.Sink MAILDIR BOUNCE_MAILDIR
"""
import email.utils
import mailbox
import uuid

from aiosmtpd.handlers import Mailbox

OUTCOMES = {
    'dsn-fail': ('failed', '5.1.1', 'smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: '
                 'User unknown in virtual mailbox table'),
    'dsn-delay': ('delayed', '4.4.7', 'smtp; 451 4.4.7 <{rcpt}>: Delivery delayed: '
                  'remote server did not answer'),
}


def report(mail_from, rcpt, action, status, diagnostic, headers):
    """An RFC 3464 multipart/report about rcpt, to mail_from."""
    boundary = 'dsn-' + uuid.uuid4().hex
    return (
        f'From: MAILER-DAEMON@mx.example.test\r\n'
        f'To: {mail_from}\r\n'
        f'Date: {email.utils.formatdate()}\r\n'
        f'Subject: Undelivered Mail Returned to Sender\r\n'
        f'Auto-Submitted: auto-replied\r\n'
        f'MIME-Version: 1.0\r\n'
        f'Content-Type: multipart/report; report-type=delivery-status;\r\n'
        f'\tboundary="{boundary}"\r\n'
        f'\r\n'
        f'This is a MIME-encapsulated message.\r\n'
        f'\r\n'
        f'--{boundary}\r\n'
        f'Content-Type: text/plain; charset=us-ascii\r\n'
        f'\r\n'
        f'Your message could not be delivered to {rcpt}.\r\n'
        f'\r\n'
        f'--{boundary}\r\n'
        f'Content-Type: message/delivery-status\r\n'
        f'\r\n'
        f'Reporting-MTA: dns; mx.example.test\r\n'
        f'Arrival-Date: {email.utils.formatdate()}\r\n'
        f'\r\n'
        f'Final-Recipient: rfc822; {rcpt}\r\n'
        f'Original-Recipient: rfc822;{rcpt}\r\n'
        f'Action: {action}\r\n'
        f'Status: {status}\r\n'
        f'Remote-MTA: dns; mx.example.test\r\n'
        f'Diagnostic-Code: {diagnostic.format(rcpt=rcpt)}\r\n'
        f'\r\n'
        f'--{boundary}\r\n'
        f'Content-Type: text/rfc822-headers\r\n'
        f'\r\n'
        f'{headers}\r\n'
        f'--{boundary}--\r\n')


class Sink(Mailbox):
    def __init__(self, mail_dir, bounce_dir):
        super().__init__(mail_dir)
        self.bounces = mailbox.Maildir(bounce_dir)

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        content = envelope.content
        if isinstance(content, (bytes, bytearray)):
            content = content.decode('utf-8', 'replace')
        headers = content.replace('\r\n', '\n').split('\n\n', 1)[0].replace('\n', '\r\n')
        for rcpt in envelope.rcpt_tos:
            for prefix, (action, status, diagnostic) in OUTCOMES.items():
                if rcpt.lower().startswith(prefix):
                    self.bounces.add(report(envelope.mail_from, rcpt, action, status,
                                            diagnostic, headers).encode())
        return answer

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error('bgw_sink.Sink takes MAILDIR BOUNCE_MAILDIR')
        return cls(args[0], args[1])
