from .models import Audience, DistrictProfile
from .state_presets import active_state, requirements_for


def district(request):
    """What the header and footer of every page show: the district and the audience pages,
    and whether the district's state law wants each data element's definition shown."""
    profile = DistrictProfile.load()
    required = {item.key for item in requirements_for(active_state(profile))}
    return {
        "district": profile,
        "nav_audiences": list(Audience.objects.all()),
        "show_element_definitions": "element_definitions" in required,
    }
