from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "amends.cases"
    label = "cases"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from amends.accounts.models import Team
        from amends.brands.models import Brand
        from amends.cases.services import forget_default_teams

        for model in (Team, Brand):
            uid = f"cases-default-team:{model.__name__}"
            post_save.connect(forget_default_teams, sender=model, dispatch_uid=uid)
            post_delete.connect(forget_default_teams, sender=model, dispatch_uid=f"{uid}:del")
