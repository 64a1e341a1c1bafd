"""The web pages: server-rendered, zh-CN first, on the same application services as the JSON API."""
