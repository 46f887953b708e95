"""HTML interface of the app (mounted at /llm-providers/ by the project)."""

from django.urls import path

from llm_providers.views import pages, partials, wizard

app_name = "llm_providers"

urlpatterns = [
    path("", pages.overview, name="overview"),
    # The setup wizard: one URL per step.
    path("new/", wizard.wizard_choose, name="wizard-choose"),
    path("new/<str:template_id>/configure/", wizard.wizard_configure, name="wizard-configure"),
    path("wizard/<int:provider_id>/models/", wizard.wizard_models, name="wizard-models"),
    path("wizard/<int:provider_id>/test/", wizard.wizard_test, name="wizard-test"),
    path("validate/<str:template_id>/", partials.validate_field, name="validate-field"),
    # One configured provider.
    path("<int:provider_id>/edit/", pages.provider_edit, name="edit"),
    path("<int:provider_id>/models/", pages.provider_models, name="models"),
    path("<int:provider_id>/test/", pages.provider_test, name="test"),
    path("<int:provider_id>/default/", pages.provider_set_default_view, name="set-default"),
    path("<int:provider_id>/toggle/", pages.provider_toggle, name="toggle"),
    path("<int:provider_id>/delete/", pages.provider_delete_view, name="delete"),
]
