from django.core.asgi import get_asgi_application

from newsroom.boot import APP_LOAD_ERROR, load_settings_or_exit

load_settings_or_exit(APP_LOAD_ERROR)

application = get_asgi_application()
