"""The one kind of error a DAG task must not retry: the run cannot go on, and trying again will not change that."""


class RunCannotProceed(RuntimeError):
    """Retrying will not help (another run holds the warehouse, the run is dated before the last merged one, the
    worker's key is not the warehouse's, …); the message says what a person must do. The DAG fails the task at once.
    """
