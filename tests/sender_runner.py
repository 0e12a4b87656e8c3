"""A delivery pass in its own process, with a claim of a few seconds, for the fencing tests.

``python -m tests.sender_runner DATABASE_URL INSTANCE_DIR SMTP_PORT CLAIM_SECONDS BATCH_SIZE``
runs ``deliver_pending`` once against the SMTP server on 127.0.0.1:SMTP_PORT and prints its
summary as JSON. The start-up check refuses a claim under 60 seconds (MAIL_SENDING_TIMEOUT),
so the claim is shortened after the application is made: a test can then pause the process
past its claim in seconds.
"""

import dataclasses
import json
import sys

from config import TestingConfig
from taskforce import create_app
from taskforce.extensions import db
from taskforce.models.types import utcnow
from taskforce.services.mail.delivery import deliver_pending
from taskforce.services.mail.transports import transport_for


def main(url, instance, port, claim_seconds, batch_size):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance,
                     MAIL_SERVER="127.0.0.1", MAIL_PORT=int(port), MAIL_TIMEOUT=10,
                     MAIL_BATCH_SIZE=int(batch_size))
    app.config["MAIL_SENDING_TIMEOUT"] = int(claim_seconds)
    with app.app_context():
        summary = deliver_pending(db.session, now=utcnow(), transport=transport_for(app.config))
    print(json.dumps(dataclasses.asdict(summary)), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
