"""A scheduler process for the tests: runs every pass of the JOBS table, as the active one would.

``python -m tests.scheduler_runner DATABASE_URL INSTANCE_DIR TODAY SMTP_PORT GO_FILE ROUNDS``
prints "ready", waits for GO_FILE to exist (so that two processes begin together), then
runs, ROUNDS times, the planning pass, the delivery pass and both review jobs, ignoring
the lease: what it shows is that the passes themselves stay exactly-once when two
schedulers overlap. It prints what it made as JSON at the end.
"""

import json
import os
import random
import sys
import time
from datetime import date

from config import TestingConfig
from taskforce import create_app, jobs


def main(url, instance, today, port, go_file, rounds):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance,
                     MAIL_SERVER="127.0.0.1", MAIL_PORT=int(port), MAIL_TIMEOUT=10,
                     TODAY=date.fromisoformat(today))
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.005)
    made = {"items": 0, "messages": 0, "sent": 0, "reviews": 0}
    for _round in range(int(rounds)):
        planned = jobs.plan_reminders_job(app)
        made["items"] += planned.items
        made["messages"] += planned.messages
        made["reviews"] += sum(jobs.JOBS_BY_ID[job].function(app) is not None
                               for job in ("weekly_review", "monthly_review"))
        made["sent"] += jobs.deliver_job(app).sent
        time.sleep(random.uniform(0, 0.05))  # noqa: S311 - interleaving, not security
    print(json.dumps(made), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
