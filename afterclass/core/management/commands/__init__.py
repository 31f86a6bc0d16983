"""The `afterclass` commands that are not tied to one app: demo and serve."""
