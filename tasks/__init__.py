"""Background jobs: the Celery app, its jobs and the beat schedule."""
