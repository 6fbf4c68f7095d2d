-- wrk script: every request is a JSON sign-in of the bench account (created by run.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench","password":"bench password 123"}'
