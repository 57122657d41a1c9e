from django.urls import path

from disclosure import staff_views as views

app_name = "workspace"

one = "<int:year>/<slug:code>/v<int:version>/"

urlpatterns = [
    path("", views.workspace, name="home"),
    path("upload/", views.workspace_upload, name="upload"),
    path("upload/confirm/", views.workspace_upload_confirm, name="upload_confirm"),
    path(one, views.workspace_disclosure, name="disclosure"),
    path(one + "submit/", views.workspace_submit, name="submit"),
    path(one + "return/", views.workspace_return, name="return"),
    path(one + "approve/", views.workspace_approve, name="approve"),
    path(one + "publish/", views.workspace_publish, name="publish"),
    path(one + "correct/", views.workspace_correct, name="correct"),
    path(one + "narratives/", views.workspace_narratives, name="narratives"),
    path(one + "pdf/rebuild/", views.workspace_pdf_rebuild, name="pdf_rebuild"),
]
