"""boto3 against a running cairn (CAIRN_ENDPOINT and AWS_* credentials come from the vitest driver)."""
import hashlib
import io
import os
import urllib.request
import uuid

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.client import Config
from botocore.exceptions import ClientError, MissingDependencyException

from conftest import ENDPOINT, make_client


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_put_get_with_default_checksums(s3, bucket):
    data = os.urandom(1024 * 1024 + 7)
    put = s3.put_object(Bucket=bucket, Key="a/b.bin", Body=data, Metadata={"k": "v"})
    assert put["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="a/b.bin", ChecksumMode="ENABLED")
    assert sha(got["Body"].read()) == sha(data)
    assert got["Metadata"] == {"k": "v"}
    assert "ChecksumCRC32" in got


def test_put_with_each_checksum_algorithm(s3, bucket):
    data = b"checksummed body " * 1000
    for algorithm in ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]:
        try:
            s3.put_object(Bucket=bucket, Key=f"ck-{algorithm}", Body=data, ChecksumAlgorithm=algorithm)
        except MissingDependencyException:  # botocore without awscrt cannot compute CRC32C/CRC64NVME
            continue
        head = s3.head_object(Bucket=bucket, Key=f"ck-{algorithm}", ChecksumMode="ENABLED")
        assert head[f"Checksum{algorithm}"]


def test_when_required_checksums(bucket):
    s3 = make_client(request_checksum_calculation="when_required", response_checksum_validation="when_required")
    data = os.urandom(300_000)
    s3.put_object(Bucket=bucket, Key="plain", Body=data)
    assert sha(s3.get_object(Bucket=bucket, Key="plain")["Body"].read()) == sha(data)


def test_upload_fileobj_with_transfer_config_round_trips(s3, bucket):
    # Single-part here (multipart arrives with its own issue); TransferConfig as the README shows.
    data = os.urandom(3 * 1024 * 1024)
    config = TransferConfig(multipart_threshold=25 * 1024 * 1024, multipart_chunksize=25 * 1024 * 1024, max_concurrency=10)
    s3.upload_fileobj(io.BytesIO(data), bucket, "dataset/shard-0000.bin", Config=config)
    out = io.BytesIO()
    s3.download_fileobj(bucket, "dataset/shard-0000.bin", out, Config=config)
    assert sha(out.getvalue()) == sha(data)


def test_listing_pagination_and_delimiters(s3, bucket):
    keys = [f"logs/2026/{i:03d}.txt" for i in range(25)] + ["logs/readme", "top.txt"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 7}))
    listed = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert listed == sorted(keys)
    assert len(pages) == 4
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["logs/"]
    assert [o["Key"] for o in top["Contents"]] == ["top.txt"]
    v1 = list(s3.get_paginator("list_objects").paginate(Bucket=bucket, PaginationConfig={"PageSize": 10}))
    assert [o["Key"] for p in v1 for o in p.get("Contents", [])] == sorted(keys)
    versions = s3.list_object_versions(Bucket=bucket, Prefix="logs/readme")
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in versions["Versions"]] == [("logs/readme", "null", True)]


def test_bucket_resource_empties_bucket(s3, bucket):
    for i in range(30):
        s3.put_object(Bucket=bucket, Key=f"x/{i}", Body=b"x")
    resource = boto3.resource("s3", endpoint_url=ENDPOINT, region_name="us-east-1")
    resource.Bucket(bucket).object_versions.delete()
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_errors_are_s3_errors(s3, bucket):
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="missing")
    assert err.value.response["Error"]["Code"] == "NoSuchKey"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as err:
        s3.head_object(Bucket=bucket, Key="missing")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_presigned_urls_v4_and_v2(s3, bucket):
    s3.put_object(Bucket=bucket, Key="shared file.txt", Body=b"presigned")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared file.txt"}, ExpiresIn=300)
    assert urllib.request.urlopen(url).read() == b"presigned"
    v2 = make_client(signature_version="s3")
    url2 = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared file.txt"}, ExpiresIn=300)
    assert "Signature=" in url2 and "AWSAccessKeyId=" in url2
    assert urllib.request.urlopen(url2).read() == b"presigned"
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "uploaded"}, ExpiresIn=300)
    # urllib would add a form Content-Type, which SigV2 signs; send the empty one boto3 signed.
    req = urllib.request.Request(put_url, data=b"via presigned put", method="PUT", headers={"Content-Type": ""})
    assert urllib.request.urlopen(req).status == 200
    assert s3.get_object(Bucket=bucket, Key="uploaded")["Body"].read() == b"via presigned put"


def test_sigv2_header_signing(bucket):
    v2 = make_client(signature_version="s3")
    v2.put_object(Bucket=bucket, Key="v2 key+plus", Body=b"signed with v2")
    assert v2.get_object(Bucket=bucket, Key="v2 key+plus")["Body"].read() == b"signed with v2"
    assert [o["Key"] for o in v2.list_objects(Bucket=bucket)["Contents"]] == ["v2 key+plus"]


def test_copy_and_delete_objects(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"copy", ContentType="text/plain")
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"copy"
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "src"}, {"Key": "dst"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["dst", "src"]
