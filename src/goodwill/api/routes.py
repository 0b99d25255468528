from ninja import NinjaAPI

api = NinjaAPI(title="goodwill", version="1")
