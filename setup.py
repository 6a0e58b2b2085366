"""Compile the message catalogues in translations/ whenever the project is installed.

Everything else lives in pyproject.toml; this hook exists because the catalogues are kept
as .po files in version control and Flask-Babel reads compiled .mo files.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel


def compile_catalogues() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).parent.glob("translations/*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalogue)


class BuildPyWithCatalogues(build_py):
    def run(self):
        compile_catalogues()
        super().run()


class EditableWithCatalogues(editable_wheel):
    def run(self):
        compile_catalogues()
        super().run()


if __name__ == "__main__":  # setuptools runs this file as __main__; scripts/ import it
    setup(cmdclass={"build_py": BuildPyWithCatalogues, "editable_wheel": EditableWithCatalogues})
