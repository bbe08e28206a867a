"""iamsql: Steampipe-style SQL over AWS IAM and CloudTrail, with compliance controls and workbooks."""

# The version in pyproject.toml (a test keeps the two equal); a constant, as importlib.metadata takes longer to
# import than a cached query takes to run.
__version__ = "0.1.0"
