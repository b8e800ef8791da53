"""The example apps and models, installed with the package as ``nestauth_peewee.examples``.

    python -m nestauth_peewee.examples.flask_app     # or, in a checkout, python examples/flask_app.py
"""
