"""iamsql: Steampipe-style SQL over AWS IAM and CloudTrail, with compliance controls and workbooks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("iamsql")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
