"""botocore's service models as ``collect`` reads them (``aws.PlainJSONFileLoader``, plain dicts): the same
content in the same order as botocore's own loader gives, for a gzipped model and a plain JSON file."""

import json

import botocore.session
import pytest
from botocore.loaders import JSONFileLoader

from iamsql.collect.aws import PlainJSONFileLoader, botocore_session


@pytest.mark.parametrize(("service", "kind"), [("iam", "service-2"), ("ec2", "service-2"), ("iam", "paginators-1"),
                                               ("sts", "endpoint-rule-set-1")])
def test_models_read_as_botocore_reads_them(service, kind):
    ours = botocore_session(None).get_component("data_loader").load_service_model(service, kind)
    theirs = botocore.session.Session().get_component("data_loader").load_service_model(service, kind)
    assert ours and json.dumps(ours) == json.dumps(theirs)  # same members in the same order
    assert type(ours) is dict and type(theirs) is not dict  # read by PlainJSONFileLoader, not botocore's


def test_missing_file_is_none(tmp_path):
    (tmp_path / "plain.json").write_text('{"b": 1, "a": [2]}')
    loader = PlainJSONFileLoader()
    assert loader.load_file(str(tmp_path / "plain")) == JSONFileLoader().load_file(str(tmp_path / "plain"))
    assert loader.load_file(str(tmp_path / "absent")) is None
