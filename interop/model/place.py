"""Places: where devices stand and what measurements are about (a feature of interest)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from interop.model.base import IRI, DataClass, Geometry, Point, RecordBase, protected

__all__ = ["Place"]


class Place(RecordBase):
    """A named location: a WGS84 point, a GeoJSON geometry, or both."""

    kind: Literal["place"] = protected(DataClass.PUBLIC, "place")
    name: str | None = protected(DataClass.PUBLIC, None, min_length=1)
    point: Point | None = protected(DataClass.PUBLIC, None)
    geometry: Geometry | None = protected(DataClass.PUBLIC, None)
    address: str | None = protected(
        DataClass.PUBLIC, None, min_length=1, description="Postal address of public space."
    )
    within: IRI | None = protected(DataClass.PUBLIC, None, description="Enclosing place.")

    @model_validator(mode="after")
    def _somewhere(self) -> Place:
        if self.point is None and self.geometry is None and self.name is None:
            raise ValueError("a place needs at least a name, a point or a geometry")
        return self
