from django.db import models

from ..text import nfc


class NormalizedTextModel(models.Model):
    """Stores every text field in Unicode NFC.

    Composed and decomposed Vietnamese look the same but compare unequal, so a
    title typed with "Unicode tổ hợp" would escape uniqueness checks and search.
    Normalising in ``save()`` covers the admin, the importer and scripts alike.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, nfc(value))
        super().save(*args, **kwargs)
