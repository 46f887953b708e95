from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="llm_providers:overview", permanent=False)),
    path("admin/", admin.site.urls),
    path("llm-providers/", include("llm_providers.urls")),
    path("api/admin/llm/", include("llm_providers.api.urls")),
]
