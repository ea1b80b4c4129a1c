"""Synthetic demo data, made through the same commands a page or the API sends."""

from web.demo.contacts import DemoSpec, load_demo

__all__ = ["DemoSpec", "load_demo"]
