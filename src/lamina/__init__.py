"""lamina"""
