"""nbkg.queries"""
