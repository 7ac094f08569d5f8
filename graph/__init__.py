"""nbkg.graph"""
