"""Live updates: open pages learn about new posts, comments and notifications over a websocket."""
