"""The HTTP edge and the event handlers' bodies. ``routes/`` holds the Blueprints by audience; ``http.py`` the
request and response plumbing; ``auth.py`` who is calling; ``process.py`` the process's Services and logger;
``consumers.py`` what the queues, streams, trigger and schedule do; ``problems.py``, ``openapi.py`` and
``schemas.py`` the errors and the API's description. app.py registers it all."""
