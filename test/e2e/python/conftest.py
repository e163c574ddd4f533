"""Shared fixtures for the boto3 suites. CAIRN_ENDPOINT and AWS_* credentials come from the vitest driver (test/helpers/pytest.ts)."""
import os
import uuid

import boto3
import pytest
from botocore.client import Config

ENDPOINT = os.environ["CAIRN_ENDPOINT"]


def make_client(**config):
    """A boto3 S3 client for the server under test; no retries, so failures surface."""
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=20, **config),
    )


@pytest.fixture(scope="module")
def s3():
    return make_client()


@pytest.fixture()
def bucket(s3):
    """A fresh bucket, emptied (objects and uploads in progress) and deleted afterwards."""
    name = f"py-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=obj["Key"])
    s3.delete_bucket(Bucket=name)
