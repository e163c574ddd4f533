"""boto3 multipart uploads against a running cairn (CAIRN_ENDPOINT and AWS_* come from test/e2e/multipart-boto3.test.ts)."""
import base64
import hashlib
import os
import tempfile
import uuid
import zlib

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.client import Config
from botocore.exceptions import ClientError

from conftest import ENDPOINT, make_client
MiB = 1024 * 1024
SIZE = 100 * MiB
TRANSFER = TransferConfig(multipart_threshold=25 * MiB, multipart_chunksize=25 * MiB, max_concurrency=10)


@pytest.fixture(scope="module")
def big_file():
    """100 MiB of random bytes on disk, with its sha256."""
    sha = hashlib.sha256()
    with tempfile.NamedTemporaryFile(delete=False) as f:
        for _ in range(SIZE // MiB):
            chunk = os.urandom(MiB)
            sha.update(chunk)
            f.write(chunk)
    yield f.name, sha.hexdigest()
    os.unlink(f.name)


def sha256_of_download(s3, bucket, key):
    sha = hashlib.sha256()

    class Sink:
        def write(self, data):
            sha.update(data)
            return len(data)

    s3.download_fileobj(bucket, key, Sink(), Config=TRANSFER)
    return sha.hexdigest()


def composite_crc32(path, part_size):
    """The COMPOSITE CRC32 S3 gives these parts: CRC32 over the concatenated big-endian part CRC32s, then -N."""
    crcs = []
    with open(path, "rb") as f:
        while True:
            part = f.read(part_size)
            if not part:
                break
            crcs.append(zlib.crc32(part).to_bytes(4, "big"))
    whole = zlib.crc32(b"".join(crcs)).to_bytes(4, "big")
    return base64.b64encode(whole).decode() + f"-{len(crcs)}"


def file_crc32(path):
    crc = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            crc = zlib.crc32(chunk, crc)
    return base64.b64encode(crc.to_bytes(4, "big")).decode()


def test_upload_download_with_default_checksums(s3, bucket, big_file):
    path, digest = big_file
    with open(path, "rb") as f:
        s3.upload_fileobj(f, bucket, "big/default.bin", Config=TRANSFER)
    head = s3.head_object(Bucket=bucket, Key="big/default.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == SIZE
    assert head["ETag"].endswith('-4"')
    # s3transfer asks for CRC32 (COMPOSITE by default) and names each part's CRC32 on completion.
    assert head["ChecksumCRC32"] == composite_crc32(path, 25 * MiB)
    assert head["ChecksumType"] == "COMPOSITE"
    assert sha256_of_download(s3, bucket, "big/default.bin") == digest


def test_upload_download_when_required(bucket, big_file):
    s3 = make_client(request_checksum_calculation="when_required", response_checksum_validation="when_required")
    path, digest = big_file
    with open(path, "rb") as f:
        s3.upload_fileobj(f, bucket, "big/when-required.bin", Config=TRANSFER)
    head = s3.head_object(Bucket=bucket, Key="big/when-required.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == SIZE
    assert "ChecksumCRC32" not in head
    assert sha256_of_download(s3, bucket, "big/when-required.bin") == digest


def test_upload_with_full_object_crc32(s3, bucket, big_file):
    path, digest = big_file
    whole = file_crc32(path)
    with open(path, "rb") as f:
        s3.upload_fileobj(f, bucket, "big/full.bin", Config=TRANSFER, ExtraArgs={"ChecksumCRC32": whole})
    head = s3.head_object(Bucket=bucket, Key="big/full.bin", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == whole
    assert head["ChecksumType"] == "FULL_OBJECT"
    assert sha256_of_download(s3, bucket, "big/full.bin") == digest


def test_list_parts_list_uploads_and_abort(s3, bucket):
    keys = ["a/1", "a/2", "b"]
    ids = {key: s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")["UploadId"] for key in keys}
    part = s3.upload_part(Bucket=bucket, Key="b", UploadId=ids["b"], PartNumber=1, Body=b"x" * 1000, ChecksumAlgorithm="SHA256")
    assert part["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"x" * 1000).digest()).decode()
    parts = s3.list_parts(Bucket=bucket, Key="b", UploadId=ids["b"])
    assert [(p["PartNumber"], p["Size"]) for p in parts["Parts"]] == [(1, 1000)]
    assert parts["ChecksumAlgorithm"] == "SHA256"

    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [(u["Key"], u["UploadId"]) for u in listed["Uploads"]] == [(k, ids[k]) for k in keys]
    assert all(u["ChecksumAlgorithm"] == "SHA256" for u in listed["Uploads"])
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/"]
    paged = [u["Key"] for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1}) for u in page.get("Uploads", [])]
    assert paged == keys

    for key in keys:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=ids[key])
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    with pytest.raises(ClientError) as err:
        s3.list_parts(Bucket=bucket, Key="b", UploadId=ids["b"])
    assert err.value.response["Error"]["Code"] == "NoSuchUpload"
