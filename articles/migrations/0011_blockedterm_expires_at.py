"""IP blocks expire: many readers can share one IP (a mobile network's NAT).

Existing IP blocks get the default term from the day this runs; word and email
blocks stay until removed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def ip_blocks_expire(apps, schema_editor):
    BlockedTerm = apps.get_model("articles", "BlockedTerm")
    ends = timezone.now() + timedelta(days=settings.COMMENT_IP_BLOCK_DAYS)
    BlockedTerm.objects.filter(kind="ip").update(expires_at=ends)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_search_vector_inline"),
    ]

    operations = [
        migrations.AddField(
            model_name="blockedterm",
            name="expires_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Chỉ với IP, và IP luôn có hạn: nhiều bạn đọc có thể dùng chung một IP (mạng di động). Để trống là hạn mặc định. Từ ngữ và email bị chặn đến khi xóa.",
                null=True,
                verbose_name="hết hạn lúc",
            ),
        ),
        migrations.RunPython(
            ip_blocks_expire, migrations.RunPython.noop, elidable=True
        ),
        migrations.AddConstraint(
            model_name="blockedterm",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("expires_at__isnull", False), ("kind", "ip")),
                    models.Q(
                        models.Q(("kind", "ip"), _negated=True),
                        ("expires_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="blockedterm_only_ip_expires",
                violation_error_message="Chỉ chặn IP mới có hạn; từ ngữ và email bị chặn đến khi xóa.",
            ),
        ),
    ]
