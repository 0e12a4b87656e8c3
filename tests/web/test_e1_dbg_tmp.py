from io import BytesIO
import re
from tests.web.test_tasks import *  # noqa

def test_dbg(app, client, world, sign_in):
    app.config["MAX_UPLOAD_BYTES"] = 100
    sign_in(world["officer"])
    response = post_files(client, f"/tasks/{world['task'].id}/updates", {"status": "in_progress"}, [(BytesIO(EXE), "setup.exe")])
    print(re.findall(r'(?:invalid-feedback|alert)[^>]*>([^<]*)<', text(response)))
