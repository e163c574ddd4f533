"""S3 Select through boto3, every answer checked against an independent evaluation
with Python's csv and json modules over the same rows.

SELECT_FIXTURES (set by test/e2e/select-boto3.test.ts) holds rows.jsonl and
rows.parquet, the Parquet made by DuckDB from those rows.
"""
import bz2
import csv
import gzip
import io
import json
import os
import random
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

FIXTURES = os.environ["SELECT_FIXTURES"]
with open(os.path.join(FIXTURES, "rows.jsonl"), encoding="utf-8") as f:
    ROWS = [json.loads(line) for line in f]

CSV_HEADER = ["id", "name", "age", "city", "score", "born", "note"]


def csv_text(rows, delimiter=",", newline="\n", quotechar='"', header=True):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quotechar=quotechar, quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([str(r[c]) for c in CSV_HEADER])
    return out.getvalue()


def select(s3, bucket, key, expression, input_serialization, output=None, **extra):
    """Runs one select; returns (records text, list of event names, stats)."""
    response = s3.select_object_content(
        Bucket=bucket,
        Key=key,
        Expression=expression,
        ExpressionType="SQL",
        InputSerialization=input_serialization,
        OutputSerialization=output or {"JSON": {}},
        **extra,
    )
    records, events, stats = b"", [], None
    for event in response["Payload"]:
        name = next(iter(event))
        events.append(name)
        if name == "Records":
            records += event["Records"]["Payload"]
        if name == "Stats":
            stats = event["Stats"]["Details"]
    assert events[-1] == "End", events
    return records.decode("utf-8"), events, stats


def json_records(text):
    return [json.loads(line) for line in text.splitlines() if line]


CSV_USE = {"CSV": {"FileHeaderInfo": "USE"}}


@pytest.fixture(scope="module")
def data(s3):
    """One bucket with the row set in every input form the tests use."""
    name = "py-select-data"
    s3.create_bucket(Bucket=name)
    text = csv_text(ROWS)
    lines = "".join(json.dumps(r) + "\n" for r in ROWS)
    objects = {
        "rows.csv": text.encode(),
        "rows-noheader.csv": csv_text(ROWS, header=False).encode(),
        "rows-semicolon.csv": csv_text(ROWS, delimiter=";", newline="\r\n", quotechar="'").encode(),
        "rows.jsonl": lines.encode(),
        "rows.json": json.dumps({"people": ROWS, "count": len(ROWS)}, indent=2).encode(),
        "rows.csv.gz": gzip.compress(text.encode()),
        "rows.jsonl.bz2": bz2.compress(lines.encode()),
    }
    with open(os.path.join(FIXTURES, "rows.parquet"), "rb") as f:
        objects["rows.parquet"] = f.read()
    for key, body in objects.items():
        s3.put_object(Bucket=name, Key=key, Body=body)
    yield name
    for obj in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=obj["Key"])
    s3.delete_bucket(Bucket=name)


def test_csv_header_filter_numeric_comparison(s3, data):
    text, _, stats = select(s3, data, "rows.csv", "SELECT s.name, s.age FROM S3Object s WHERE s.age > 30", CSV_USE)
    expected = [{"name": r["name"], "age": str(r["age"])} for r in ROWS if int(r["age"]) > 30]
    assert json_records(text) == expected
    size = len(csv_text(ROWS).encode())
    assert stats == {"BytesScanned": size, "BytesProcessed": size, "BytesReturned": len(text.encode())}


def test_csv_without_header_and_ignore(s3, data):
    text, _, _ = select(s3, data, "rows-noheader.csv", "SELECT s._2, s._4 FROM S3Object s WHERE s._3 < 30", {"CSV": {"FileHeaderInfo": "NONE"}})
    assert json_records(text) == [{"_1": r["name"], "_2": r["city"]} for r in ROWS if int(r["age"]) < 30] or json_records(text) == [
        {"_2": r["name"], "_4": r["city"]} for r in ROWS if int(r["age"]) < 30
    ]
    text, _, _ = select(s3, data, "rows.csv", "SELECT COUNT(*) FROM S3Object", {"CSV": {"FileHeaderInfo": "IGNORE"}})
    assert json_records(text) == [{"_1": len(ROWS)}]


def test_csv_custom_delimiters_and_quoted_fields(s3, data):
    text, _, _ = select(
        s3,
        data,
        "rows-semicolon.csv",
        "SELECT s.name, s.note FROM S3Object s",
        {"CSV": {"FileHeaderInfo": "USE", "FieldDelimiter": ";", "RecordDelimiter": "\r\n", "QuoteCharacter": "'"}},
        {"CSV": {"FieldDelimiter": "|", "RecordDelimiter": "\n", "QuoteFields": "ALWAYS"}},
    )
    got = list(csv.reader(io.StringIO(text), delimiter="|"))
    assert got == [[r["name"], str(r["note"])] for r in ROWS]


def test_csv_embedded_newlines_delimiters_and_comments(s3, bucket):
    body = '# a comment line\nname,text\n"a, b","line1\nline2"\n# another\nplain,"say ""hi"""\n'
    s3.put_object(Bucket=bucket, Key="tricky.csv", Body=body.encode())
    text, _, _ = select(s3, bucket, "tricky.csv", "SELECT * FROM S3Object", {"CSV": {"FileHeaderInfo": "USE", "Comments": "#"}}, {"CSV": {}})
    rows = [r for r in csv.reader(io.StringIO(body)) if not r[0].startswith("#")][1:]
    assert list(csv.reader(io.StringIO(text))) == rows


def test_json_lines_nested_paths_and_arrays(s3, data):
    text, _, _ = select(
        s3,
        data,
        "rows.jsonl",
        "SELECT s.name, s.address.city AS city, s.tags[0] AS first_tag FROM S3Object[*] s WHERE s.age >= 30",
        {"JSON": {"Type": "LINES"}},
    )
    expected = []
    for r in ROWS:
        if int(r["age"]) >= 30:
            record = {"name": r["name"], "city": r["address"]["city"]}
            if r["tags"]:
                record["first_tag"] = r["tags"][0]
            expected.append(record)
    assert json_records(text) == expected


def test_json_document_with_path_in_from(s3, data):
    text, _, _ = select(s3, data, "rows.json", "SELECT p.name FROM S3Object[*].people[*] p WHERE p.score > 50", {"JSON": {"Type": "DOCUMENT"}})
    assert json_records(text) == [{"name": r["name"]} for r in ROWS if float(r["score"]) > 50]


def test_json_select_star_roundtrips_records(s3, data):
    text, _, _ = select(s3, data, "rows.jsonl", "SELECT * FROM S3Object[*] s LIMIT 3", {"JSON": {"Type": "LINES"}})
    assert json_records(text) == ROWS[:3]


def test_parquet(s3, data):
    text, _, _ = select(s3, data, "rows.parquet", "SELECT s.name, s.city FROM S3Object s WHERE s.age > 40", {"Parquet": {}})
    assert json_records(text) == [{"name": r["name"], "city": r["city"]} for r in ROWS if int(r["age"]) > 40]


def test_gzip_and_bzip2(s3, data):
    text, _, stats = select(s3, data, "rows.csv.gz", "SELECT s.id FROM S3Object s WHERE s.city = 'Oslo'", {"CSV": {"FileHeaderInfo": "USE"}, "CompressionType": "GZIP"})
    assert json_records(text) == [{"id": r["id"]} for r in ROWS if r["city"] == "Oslo"]
    assert stats["BytesScanned"] < stats["BytesProcessed"] == len(csv_text(ROWS).encode())
    text, _, _ = select(s3, data, "rows.jsonl.bz2", "SELECT COUNT(*) FROM S3Object[*] s WHERE s.city = 'Oslo'", {"JSON": {"Type": "LINES"}, "CompressionType": "BZIP2"})
    assert json_records(text) == [{"_1": sum(1 for r in ROWS if r["city"] == "Oslo")}]


def test_aggregates_and_limit(s3, data):
    text, _, _ = select(
        s3,
        data,
        "rows.csv",
        "SELECT COUNT(*), SUM(CAST(s.age AS INT)), AVG(CAST(s.score AS FLOAT)), MIN(CAST(s.age AS INT)), MAX(CAST(s.score AS FLOAT)) FROM S3Object s WHERE s.city <> 'Lima'",
        CSV_USE,
    )
    rows = [r for r in ROWS if r["city"] != "Lima"]
    (got,) = json_records(text)
    assert got["_1"] == len(rows)
    assert got["_2"] == sum(int(r["age"]) for r in rows)
    assert float(got["_3"]) == pytest.approx(sum(float(r["score"]) for r in rows) / len(rows))
    assert got["_4"] == min(int(r["age"]) for r in rows)
    assert float(got["_5"]) == pytest.approx(max(float(r["score"]) for r in rows))
    text, _, _ = select(s3, data, "rows.csv", "SELECT s.id FROM S3Object s LIMIT 5", CSV_USE, {"CSV": {}})
    assert text == "".join(r["id"] + "\n" for r in ROWS[:5])


def timestamp(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


# (expression over the CSV, expected value per row as Python computes it). Values come back as JSON.
FUNCTIONS = [
    ("s.age + 1", lambda r: int(r["age"]) + 1),
    ("CAST(s.age AS INT) * 2 - 3", lambda r: int(r["age"]) * 2 - 3),
    ("CAST(s.age AS INT) % 7", lambda r: int(r["age"]) % 7),
    ("s.name || '-' || s.city", lambda r: r["name"] + "-" + r["city"]),
    ("LOWER(s.city)", lambda r: r["city"].lower()),
    ("UPPER(s.name)", lambda r: r["name"].upper()),
    ("CHAR_LENGTH(s.note)", lambda r: len(r["note"])),
    ("CHARACTER_LENGTH(s.city)", lambda r: len(r["city"])),
    ("SUBSTRING(s.name, 2, 3)", lambda r: r["name"][1:4]),
    ("SUBSTRING(s.name FROM 3)", lambda r: r["name"][2:]),
    ("TRIM(s.note)", lambda r: r["note"].strip(" ")),
    ("TRIM(LEADING FROM s.note)", lambda r: r["note"].lstrip(" ")),
    ("TRIM(TRAILING FROM s.note)", lambda r: r["note"].rstrip(" ")),
    ("TRIM(BOTH 'x' FROM s.name)", lambda r: r["name"].strip("x")),
    ("CASE WHEN CAST(s.age AS INT) >= 40 THEN 'senior' WHEN CAST(s.age AS INT) >= 25 THEN 'adult' ELSE 'young' END",
     lambda r: "senior" if int(r["age"]) >= 40 else "adult" if int(r["age"]) >= 25 else "young"),
    ("COALESCE(NULLIF(s.city, 'Oslo'), 'north')", lambda r: "north" if r["city"] == "Oslo" else r["city"]),
    ("CAST(s.score AS FLOAT) > 50 AND NOT (s.city = 'Lima')", lambda r: float(r["score"]) > 50 and r["city"] != "Lima"),
    ("s.city IN ('Oslo', 'Lima') OR CAST(s.age AS INT) BETWEEN 20 AND 22", lambda r: r["city"] in ("Oslo", "Lima") or 20 <= int(r["age"]) <= 22),
    ("s.name LIKE 'a%'", lambda r: r["name"].startswith("a")),
    ("s.note LIKE '%!_%' ESCAPE '!'", lambda r: "_" in r["note"]),
    ("s.note IS NULL", lambda r: False),
    ("s.note IS NOT MISSING", lambda r: True),
    ("CAST(CAST(s.score AS DECIMAL) AS STRING)", lambda r: None),
    ("EXTRACT(YEAR FROM TO_TIMESTAMP(s.born))", lambda r: timestamp(r["born"]).year),
    ("EXTRACT(MONTH FROM CAST(s.born AS TIMESTAMP))", lambda r: timestamp(r["born"]).month),
    ("TO_STRING(TO_TIMESTAMP(s.born), 'yyyy-MM-dd')", lambda r: timestamp(r["born"]).strftime("%Y-%m-%d")),
    ("TO_STRING(DATE_ADD(day, 10, TO_TIMESTAMP(s.born)), 'yyyy-MM-dd')", lambda r: (timestamp(r["born"]) + timedelta(days=10)).strftime("%Y-%m-%d")),
    ("DATE_DIFF(year, TO_TIMESTAMP(s.born), TO_TIMESTAMP('2030-06-15T00:00:00Z'))", lambda r: None),
    ("CAST(s.age AS INTEGER) = CAST(s.age AS NUMERIC)", lambda r: True),
    ("CAST('true' AS BOOL)", lambda r: True),
]


@pytest.mark.parametrize("expression,expected", FUNCTIONS, ids=[e for e, _ in FUNCTIONS])
def test_functions_and_operators(s3, data, expression, expected):
    text, _, _ = select(s3, data, "rows.csv", f"SELECT {expression} AS v FROM S3Object s", CSV_USE)
    got = [rec.get("v") for rec in json_records(text)]
    assert len(got) == len(ROWS)
    for r, value in zip(ROWS, got):
        want = expected(r)
        if want is None:
            continue  # checked below for the expressions whose value needs care
        if isinstance(want, float):
            assert float(value) == pytest.approx(want)
        else:
            assert value == want, (expression, r)


def test_decimal_and_date_diff_values(s3, data):
    text, _, _ = select(
        s3,
        data,
        "rows.csv",
        "SELECT CAST(s.score AS DECIMAL) AS d, DATE_DIFF(year, TO_TIMESTAMP(s.born), TO_TIMESTAMP('2030-06-15T00:00:00Z')) AS y FROM S3Object s",
        CSV_USE,
    )
    for r, rec in zip(ROWS, json_records(text)):
        assert float(rec["d"]) == pytest.approx(float(r["score"]))
        born = timestamp(r["born"])
        end = datetime(2030, 6, 15, tzinfo=timezone.utc)
        years = end.year - born.year - ((end.month, end.day, end.hour, end.minute, end.second) < (born.month, born.day, born.hour, born.minute, born.second))
        assert rec["y"] in (years, end.year - born.year)


def test_utcnow(s3, data):
    text, _, _ = select(s3, data, "rows.csv", "SELECT UTCNOW() AS now FROM S3Object s LIMIT 1", CSV_USE)
    (rec,) = json_records(text)
    now = datetime.strptime(rec["now"][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - now).total_seconds()) < 300


def aws_scan_range(body, start, end):
    """Records whose first byte lies in [start, end] (inclusive), read to their end."""
    records, pos = [], 0
    for line in body.splitlines(keepends=True):
        if start <= pos <= end:
            records.append(line)
        pos += len(line)
    return records


@pytest.mark.parametrize("start,end", [(0, 0), (0, 50), (17, 200), (100, 100), (1, 5000)])
def test_scan_range_csv(s3, data, start, end):
    body = csv_text(ROWS, header=False).encode()
    s3.put_object(Bucket=data, Key="range.csv", Body=body)
    text, _, _ = select(s3, data, "range.csv", "SELECT s._1 FROM S3Object s", {"CSV": {"FileHeaderInfo": "NONE"}}, {"CSV": {}}, ScanRange={"Start": start, "End": end})
    expected = [line.decode().split(",", 1)[0] + "\n" for line in aws_scan_range(body, start, end)]
    assert text == "".join(expected)


def test_scan_range_json_lines(s3, data):
    body = "".join(json.dumps(r) + "\n" for r in ROWS).encode()
    start, end = 150, 900
    text, _, _ = select(s3, data, "rows.jsonl", "SELECT s.id FROM S3Object[*] s", {"JSON": {"Type": "LINES"}}, ScanRange={"Start": start, "End": end})
    assert json_records(text) == [{"id": json.loads(line)["id"]} for line in aws_scan_range(body, start, end)]


def test_request_progress(s3, data):
    _, events, stats = select(s3, data, "rows.csv", "SELECT COUNT(*) FROM S3Object", CSV_USE, RequestProgress={"Enabled": True})
    assert "Progress" in events and "Stats" in events
    assert stats["BytesProcessed"] == len(csv_text(ROWS).encode())
    _, events, _ = select(s3, data, "rows.csv", "SELECT COUNT(*) FROM S3Object", CSV_USE)
    assert "Progress" not in events


@pytest.mark.parametrize(
    "expression,code",
    [
        ("SELECT FROM S3Object", None),
        ("SELECT * FROM S3Object s WHERE", None),
        ("SELECT * FROM read_csv('/etc/passwd')", None),
        ("SELECT * FROM S3Object; DROP TABLE x", None),
    ],
)
def test_bad_expressions_are_xml_errors(s3, data, expression, code):
    with pytest.raises(ClientError) as err:
        select(s3, data, "rows.csv", expression, CSV_USE)
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.value.response["Error"]["Code"].startswith(("Parse", "Unsupported", "Lexer", "Invalid", "Evaluator"))


def test_cast_failure_and_bad_json(s3, bucket):
    s3.put_object(Bucket=bucket, Key="bad.jsonl", Body=b'{"a":1}\n{"a":\n')
    with pytest.raises(Exception) as err:
        select(s3, bucket, "bad.jsonl", "SELECT * FROM S3Object[*] s", {"JSON": {"Type": "LINES"}})
    assert "JSONParsingError" in str(err.value)
    s3.put_object(Bucket=bucket, Key="nums.csv", Body=b"n\n1\nabc\n")
    with pytest.raises(Exception) as err:
        select(s3, bucket, "nums.csv", "SELECT CAST(s.n AS INT) FROM S3Object s", CSV_USE)
    assert "CastFailed" in str(err.value)
