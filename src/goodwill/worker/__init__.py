"""Background work: the tasks queued in the database and the worker that runs them."""

# Set by `goodwill serve` for the worker it starts: the worker stops when that server is gone.
PARENT_ENV = "GOODWILL_WORKER_PARENT"
