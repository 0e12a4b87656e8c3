"""Flask extensions, created unbound and initialised by the app factory.

Flask-Migrate (and with it Alembic and Mako) is imported only when a migration runs: the
application registers ``LazyMigrate`` and the ``flask db`` group as stand-ins that load it
on first use, so the web workers and the other commands start without it.
"""

import click
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)


class LazyMigrate:
    """``app.extensions["migrate"]`` as Flask-Migrate expects it, made only when used.

    ``flask_migrate.upgrade()`` and the migrations' env.py read ``.migrate``, ``.db``,
    ``.directory`` and ``.configure_args``; Flask-Migrate is imported at the first ``.migrate``.
    """

    def __init__(self, db, directory, **configure_args):
        self.db = db
        self.directory = directory
        self.configure_args = configure_args
        self._migrate = None

    @property
    def metadata(self):
        return self.db.metadata

    @property
    def migrate(self):
        if self._migrate is None:
            from flask_migrate import Migrate

            self._migrate = Migrate(db=self.db, directory=self.directory, **self.configure_args)
        return self._migrate


class LazyDbGroup(click.Command):
    """``flask db``: Flask-Migrate's command group, imported when the command is run."""

    def __init__(self):
        super().__init__("db", help="Perform database migrations.", add_help_option=False)

    @staticmethod
    def real():
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra):
        return self.real().make_context(info_name, args, parent=parent, **extra)

    def get_short_help_str(self, limit=45):
        return "Perform database migrations."


def init_migrate(app, db, directory):
    """Register migrations the way ``Migrate.init_app`` does, without importing Alembic."""
    app.extensions["migrate"] = LazyMigrate(db, directory, compare_type=True,
                                            render_as_batch=True)
    app.cli.add_command(LazyDbGroup())
