"""Background work: the tasks queued in the database and the worker that runs them."""
