"""Helpers for migrations that move models between apps: their permissions move along."""


def move_content_types(apps, old_label, new_label, models):
    """Relabel the content types of `models` from `old_label` to `new_label`, unless the new
    one exists already; group permissions hang on the content type, so they move along."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=new_label, model=model).exists():
            ContentType.objects.filter(app_label=old_label, model=model).update(app_label=new_label)
