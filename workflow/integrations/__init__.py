"""Integrations: other systems' access to Front Door (API clients with scoped tokens) and
Front Door's signed notices to them (outbound webhooks)."""
