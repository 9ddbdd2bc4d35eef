app_name = "powers"
urlpatterns = []
