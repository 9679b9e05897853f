"""A real S3 server for the tests: moto's server mode, in its own process.

``start_s3_server()`` runs ``python -m moto.server`` on a free port of
127.0.0.1 and waits until it answers. When it cannot (moto not installed, the
process dies), the tests that need it skip, and fail with CI=true.
"""

import json
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass

from tests.live import free_port, reachable, unavailable

# moto accepts any credentials; these only have to be present.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "newsroom-test",
    "AWS_SECRET_ACCESS_KEY": "newsroom-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def public_read(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


@dataclass
class S3Server:
    process: subprocess.Popen
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self, prefix: str = "newsroom") -> str:
        """A bucket whose objects anyone may read, as media buckets are set up
        (README, "Media storage"): the bucket policy an operator would write."""
        name = f"{prefix}-{secrets.token_hex(6)}"
        client = self.client()
        client.create_bucket(Bucket=name)
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read(name)))
        return name

    def storage_url(self, bucket: str) -> str:
        """The MEDIA_STORAGE_URL an operator would write for this bucket."""
        return f"s3://{bucket}?endpoint_url={self.endpoint}&region_name=us-east-1"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_s3_server(timeout: float = 30) -> S3Server:
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as error:
        unavailable(f"moto[server] and boto3 are needed for S3 tests: {error}")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            unavailable(f"moto's S3 server exited with code {process.returncode}")
        if reachable(port):
            return S3Server(process, port)
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    unavailable(f"moto's S3 server did not answer on port {port} in {timeout} s")
