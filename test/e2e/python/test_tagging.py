"""Object and bucket tagging through boto3 (CAIRN_ENDPOINT and AWS_* credentials come from the vitest driver)."""
import os
import uuid

import boto3
import pytest
from botocore.client import Config
from botocore.exceptions import ClientError

from conftest import ENDPOINT, make_client

HEADER_MESSAGE = (
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."
)


def tags(n, prefix="k"):
    return [{"Key": f"{prefix}{i}", "Value": f"v{i}"} for i in range(n)]


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]


def test_put_get_delete_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"data")
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == []
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="obj")

    tag_set = [{"Key": "zeta", "Value": "z"}, {"Key": "alpha", "Value": "a b"}, {"Key": "empty", "Value": ""}]
    put = s3.put_object_tagging(Bucket=bucket, Key="obj", Tagging={"TagSet": tag_set})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == tag_set
    assert s3.head_object(Bucket=bucket, Key="obj")["TagCount"] == 3
    got = s3.get_object(Bucket=bucket, Key="obj")
    assert got["TagCount"] == 3
    assert got["Body"].read() == b"data"

    deleted = s3.delete_object_tagging(Bucket=bucket, Key="obj")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == []
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="obj")


def test_version_id_null_is_the_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"data")
    s3.put_object_tagging(Bucket=bucket, Key="obj", VersionId="null", Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="obj", VersionId="null")["TagSet"] == [{"Key": "a", "Value": "1"}]


def test_put_object_tagging_errors(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"data", Tagging="keep=me")

    def attempt(tag_set):
        return error_of(s3.put_object_tagging, Bucket=bucket, Key="obj", Tagging={"TagSet": tag_set})

    status, err = attempt(tags(11))
    assert (status, err["Code"], err["Message"]) == (400, "BadRequest", "Object tags cannot be greater than 10")
    status, err = attempt([{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}])
    assert (status, err["Code"], err["Message"], err["TagKey"]) == (400, "InvalidTag", "Cannot provide multiple Tags with the same key", "dup")
    status, err = attempt([{"Key": "k" * 129, "Value": "v"}])
    assert (status, err["Code"], err["Message"]) == (400, "InvalidTag", "The TagKey you have provided is invalid")
    status, err = attempt([{"Key": "k", "Value": "v" * 257}])
    assert (status, err["Code"], err["Message"], err["TagKey"]) == (400, "InvalidTag", "The TagValue you have provided is invalid", "k")
    status, err = attempt([{"Key": "aws:reserved", "Value": "v"}])
    assert (status, err["Code"], err["Message"]) == (400, "InvalidTag", "Your TagKey cannot be prefixed with aws:")

    # The limits themselves are fine.
    at_limit = [{"Key": f"{i}".ljust(128, "k"), "Value": "v" * 256} for i in range(10)]
    s3.put_object_tagging(Bucket=bucket, Key="obj", Tagging={"TagSet": at_limit})
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == at_limit


def test_malformed_tagging_xml(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"data")
    c = make_client()

    def replace_body(request, **_):
        # Sent after the SDK serialised a valid document: swap in a broken one
        # and drop the checksum that described the original.
        request.data = b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>"
        for name in list(request.headers.keys()):
            lower = name.lower()
            if lower.startswith("x-amz-checksum-") or lower in ("x-amz-sdk-checksum-algorithm", "content-md5", "content-length"):
                del request.headers[name]
        request.headers["Content-Length"] = str(len(request.data))

    c.meta.events.register("before-sign.s3.PutObjectTagging", replace_body)
    status, err = error_of(c.put_object_tagging, Bucket=bucket, Key="obj", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert (status, err["Code"]) == (400, "MalformedXML"), err


def test_missing_object(s3, bucket):
    for call, kwargs in [
        (s3.get_object_tagging, {}),
        (s3.put_object_tagging, {"Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}),
        (s3.delete_object_tagging, {}),
    ]:
        status, err = error_of(call, Bucket=bucket, Key="missing", **kwargs)
        assert (status, err["Code"]) == (404, "NoSuchKey")


def test_put_object_with_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"data", Tagging="project=cairn&cost%20center=R%2BD")
    assert s3.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"] == [
        {"Key": "project", "Value": "cairn"},
        {"Key": "cost center", "Value": "R+D"},
    ]
    assert s3.head_object(Bucket=bucket, Key="obj")["TagCount"] == 2


def test_put_object_with_bad_tagging(s3, bucket):
    status, err = error_of(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", Tagging="a=1&a=2")
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", HEADER_MESSAGE)
    status, err = error_of(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11)))
    assert (status, err["Code"], err["Message"]) == (400, "BadRequest", "Object tags cannot be greater than 10")
    status, err = error_of(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", Tagging="aws%3Ax=1")
    assert (status, err["Code"]) == (400, "InvalidTag")
    status, _ = error_of(s3.head_object, Bucket=bucket, Key="bad")
    assert status == 404


def test_copy_object_tagging_directive(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"data", Tagging="from=source")
    source = {"Bucket": bucket, "Key": "src"}

    s3.copy_object(Bucket=bucket, Key="copied", CopySource=source)
    assert s3.get_object_tagging(Bucket=bucket, Key="copied")["TagSet"] == [{"Key": "from", "Value": "source"}]

    s3.copy_object(Bucket=bucket, Key="kept", CopySource=source, TaggingDirective="COPY", Tagging="ignored=1")
    assert s3.get_object_tagging(Bucket=bucket, Key="kept")["TagSet"] == [{"Key": "from", "Value": "source"}]

    s3.copy_object(Bucket=bucket, Key="replaced", CopySource=source, TaggingDirective="REPLACE", Tagging="new=tag")
    assert s3.get_object_tagging(Bucket=bucket, Key="replaced")["TagSet"] == [{"Key": "new", "Value": "tag"}]
    assert s3.head_object(Bucket=bucket, Key="replaced")["TagCount"] == 1

    s3.copy_object(Bucket=bucket, Key="untagged", CopySource=source, TaggingDirective="REPLACE")
    assert s3.get_object_tagging(Bucket=bucket, Key="untagged")["TagSet"] == []

    status, err = error_of(s3.copy_object, Bucket=bucket, Key="bad", CopySource=source, TaggingDirective="MERGE")
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", "Unknown tagging directive.")


def test_bucket_tagging(s3, bucket):
    status, err = error_of(s3.get_bucket_tagging, Bucket=bucket)
    assert (status, err["Code"], err["Message"]) == (404, "NoSuchTagSet", "The TagSet does not exist.")

    tag_set = [{"Key": "team", "Value": "storage"}, {"Key": "Cost Center", "Value": "42"}]
    put = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_set})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tag_set

    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags(50)})
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50
    status, err = error_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": tags(51)})
    assert (status, err["Code"], err["Message"]) == (400, "BadRequest", "Bucket tag count cannot be greater than 50")
    status, err = error_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [{"Key": "d", "Value": "1"}, {"Key": "d", "Value": "2"}]})
    assert (status, err["Code"], err["Message"]) == (400, "InvalidTag", "Cannot provide multiple Tags with the same key")
    status, err = error_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [{"Key": "aws:x", "Value": "v"}]})
    assert (status, err["Code"]) == (400, "InvalidTag")
    status, err = error_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [{"Key": "k", "Value": "v" * 257}]})
    assert (status, err["Code"], err["Message"]) == (400, "InvalidTag", "The TagValue you have provided is invalid")
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50

    deleted = s3.delete_bucket_tagging(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    status, err = error_of(s3.get_bucket_tagging, Bucket=bucket)
    assert (status, err["Code"]) == (404, "NoSuchTagSet")
