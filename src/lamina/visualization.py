"""``keras.visualization``: drawing boxes, masks and image galleries with matplotlib.

Not built yet (``draw_bounding_boxes``, ``plot_image_gallery``, ...); the module exists so
``keras.visualization`` resolves, and holds no stand-ins.
"""

__all__: list[str] = []
