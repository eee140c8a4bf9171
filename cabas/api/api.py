from ninja import NinjaAPI

api = NinjaAPI(title="Cabas API", version="1", urls_namespace="api")
