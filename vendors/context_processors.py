from .models import Audience, DistrictProfile


def district(request):
    """What the header and footer of every page show: the district and the audience pages,
    and whether the district's state law wants each data element's definition shown."""
    # Imported here: state_presets reads the models, which are not ready at import time.
    from .state_presets import active_state, requirements_for

    profile = DistrictProfile.load()
    required = {item.key for item in requirements_for(active_state(profile))}
    return {
        "district": profile,
        "nav_audiences": Audience.objects.only("slug", "title"),
        "show_element_definitions": "element_definitions" in required,
    }
