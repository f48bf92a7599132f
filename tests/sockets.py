"""What the WebSocket tests share."""

# Seconds a socket test waits for a consumer to accept or answer. It bounds the wait and is
# no speed check: the test command runs the SQLite and PostgreSQL suites side by side on
# two processors, where a consumer's first database queries have taken over the default 1 s.
SOCKET_TIMEOUT = 10
