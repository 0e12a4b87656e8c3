def test_login_page_is_vietnamese(client):
    response = client.get("/login")
    assert response.status_code == 200


def test_leader_sees_dashboard(client, login_as):
    login_as("leader")
    response = client.get("/dashboard")
    assert response.status_code == 200
