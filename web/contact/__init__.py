"""The contact's pages: the work queue, the contact page with its actions, allocation."""
